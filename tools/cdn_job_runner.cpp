// Running a CDN job to its end and printing its items.
#include "cdn_job_runner.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <csignal>
#include <cstdio>

namespace p2pcdn_cli {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void request_stop(int) {
    stop_requested = 1;
}

// SIGINT and SIGTERM ask the job to stop (it is cancelled and its items still printed) while
// the guard lives; the previous handlers come back after it.
class stop_signals {
public:
    stop_signals() {
        stop_requested = 0;
        struct sigaction action {};
        action.sa_handler = request_stop;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &old_int_);
        sigaction(SIGTERM, &action, &old_term_);
    }
    ~stop_signals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    stop_signals(const stop_signals&) = delete;
    stop_signals& operator=(const stop_signals&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

bool terminal(int state) {
    return state == P2PCDN_JOB_COMPLETE || state == P2PCDN_JOB_PROCESSED ||
           state == P2PCDN_JOB_FAILED || state == P2PCDN_JOB_CANCELLED;
}

const char* job_state_name(int state) {
    static const char* const names[] = {"pending", "active",     "complete", "processed",
                                        "failed",  "cancelling", "cancelled"};
    return state >= 0 && state <= P2PCDN_JOB_CANCELLED ? names[state] : "unknown";
}

const char* item_state_name(int state) {
    static const char* const names[] = {"pending", "active", "done", "failed", "cancelled"};
    return state >= 0 && state <= P2PCDN_ITEM_CANCELLED ? names[state] : "unknown";
}

const char* kind_name(int kind) {
    return kind == P2PCDN_JOB_PURGE ? "purge" : "ingest";
}

const char* or_empty(const char* s) {
    return s != nullptr ? s : "";
}

void show_progress(const p2pcdn_cdn_job_info& info) {
    std::fprintf(stderr, "\r%s %s: %zu/%zu done, %zu failed, %zu cancelled", kind_name(info.kind),
                 or_empty(info.content_id), info.done, info.items, info.failed, info.cancelled);
    std::fflush(stderr);
}

void print_json(const p2pcdn_cdn* cdn, std::uint64_t job, const p2pcdn_cdn_job_info& info) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("v");
    w.Int(1);
    w.Key("kind");
    w.String(kind_name(info.kind));
    w.Key("content");
    w.String(or_empty(info.content_id));
    w.Key("state");
    w.String(job_state_name(info.state));
    if (info.kind == P2PCDN_JOB_INGEST) {
        w.Key("ttl_s");
        w.Int64(info.ttl_s);
    }
    w.Key("done");
    w.Uint64(info.done);
    w.Key("failed");
    w.Uint64(info.failed);
    w.Key("cancelled");
    w.Uint64(info.cancelled);
    w.Key("uncertain");
    w.Uint64(info.uncertain);
    w.Key("retries");
    w.Uint(info.retries);
    w.Key("items");
    w.StartArray();
    for (std::size_t i = 0; i < info.items; ++i) {
        p2pcdn_cdn_item_result item = P2PCDN_CDN_ITEM_RESULT_INIT;
        if (p2pcdn_cdn_job_item_at(cdn, job, i, &item) != P2PCDN_OK) {
            break;
        }
        w.StartObject();
        w.Key("piece");
        w.Uint64(item.piece);
        w.Key("state");
        w.String(item_state_name(item.state));
        w.Key("uri");
        w.String(or_empty(item.uri));
        w.Key("http_status");
        w.Int(item.http_status);
        w.Key("attempts");
        w.Uint(item.attempts);
        if (item.state != P2PCDN_ITEM_DONE) {
            w.Key("error");
            w.String(p2pcdn_strerror(item.error));
            w.Key("code");
            w.Int(item.error);
            w.Key("message");
            w.String(or_empty(item.message));
            w.Key("driver");
            w.String(or_empty(item.driver));
            w.Key("uncertain");
            w.Bool(item.uncertain != 0);
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", buffer.GetString());
}

void print_table(const p2pcdn_cdn* cdn, std::uint64_t job, const p2pcdn_cdn_job_info& info) {
    for (std::size_t i = 0; i < info.items; ++i) {
        p2pcdn_cdn_item_result item = P2PCDN_CDN_ITEM_RESULT_INIT;
        if (p2pcdn_cdn_job_item_at(cdn, job, i, &item) != P2PCDN_OK) {
            break;
        }
        if (item.state == P2PCDN_ITEM_DONE) {
            std::printf("%-8zu %-9s %s\n", item.piece, "done", or_empty(item.uri));
        } else {
            std::printf("%-8zu %-9s %s: %s%s\n", item.piece, item_state_name(item.state),
                        *or_empty(item.driver) ? item.driver : "cdn", or_empty(item.message),
                        item.uncertain ? " (uncertain: the upload may have reached the CDN)" : "");
        }
    }
    std::printf("%s %s: %s, %zu done, %zu failed, %zu cancelled\n", kind_name(info.kind),
                or_empty(info.content_id), job_state_name(info.state), info.done, info.failed,
                info.cancelled);
}

}  // namespace

bool run_cdn_job(p2pcdn_cdn* cdn, std::uint64_t job, const job_output& output) {
    const stop_signals signals;
    bool cancelled = false;
    p2pcdn_cdn_job_info info = P2PCDN_CDN_JOB_INFO_INIT;
    for (;;) {
        if (p2pcdn_cdn_job_status(cdn, job, &info) != P2PCDN_OK || terminal(info.state)) {
            break;
        }
        if (output.progress) {
            show_progress(info);
        }
        if (stop_requested && !cancelled) {
            p2pcdn_cdn_cancel(cdn, job);
            cancelled = true;
        }
        const int rc = p2pcdn_cdn_step(cdn, 200, nullptr);
        if (rc != P2PCDN_OK) {
            std::fprintf(stderr, "\np2pcdn: %s: %s\n", p2pcdn_strerror(rc), p2pcdn_last_error());
            return false;
        }
    }
    if (output.progress) {
        show_progress(info);
        std::fputc('\n', stderr);
    }
    if (output.json) {
        print_json(cdn, job, info);
    } else {
        print_table(cdn, job, info);
    }
    return info.state == P2PCDN_JOB_COMPLETE || info.state == P2PCDN_JOB_PROCESSED;
}

}  // namespace p2pcdn_cli
