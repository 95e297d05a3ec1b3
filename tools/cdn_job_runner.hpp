// Running one CDN job of the p2pcdn program (`p2pcdn ingest`, `p2pcdn purge`) to its end: a
// progress line on stderr while it runs, SIGINT or SIGTERM cancelling it, then every piece's
// outcome printed as a table or one JSON object.
#pragma once

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <string>

namespace p2pcdn_cli {

struct job_output {
    bool json = false;      // one JSON object on stdout instead of a table
    bool progress = false;  // a progress line on stderr while the job runs
};

// Steps `cdn` until `job` is terminal, then prints its items. Returns true when every piece
// is done (COMPLETE or PROCESSED), false when any failed or the job was cancelled.
bool run_cdn_job(p2pcdn_cdn* cdn, std::uint64_t job, const job_output& output);

}  // namespace p2pcdn_cli
