"""The HTTP fields every client options struct shares (announcer, fetcher, CDN client), filled
with the same checks in one place so the three cannot drift apart."""

from ._errors import OutOfRange
from ._util import UINT32_MAX, UINT64_MAX, as_cstring, as_path, signed64, unsigned

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


def int32(value, name):
    """An int for an int32_t parameter, refused rather than wrapped."""
    value = signed64(value, name)
    if not INT32_MIN <= value <= INT32_MAX:
        raise OutOfRange(f"{name} {value} is outside {INT32_MIN}..{INT32_MAX}")
    return value


# The optional limits: not every struct has each of them, so a caller passes only its own.
_LIMITS = {
    "max_redirects": lambda v, name: int32(v, name),
    "max_response_bytes": lambda v, name: unsigned(v, name, UINT64_MAX),
    "max_per_host": lambda v, name: unsigned(v, name, UINT32_MAX),
    "max_parallel": lambda v, name: unsigned(v, name, UINT32_MAX),
}


def fill_http_options(opts, *, ca_file=None, ca_path=None, insecure_skip_verify=False,
                      connect_timeout_ms=0, timeout_ms=0, low_speed_bytes_per_s=0,
                      low_speed_time_s=0, refuse_private_addresses=False, user_agent=None,
                      **limits):
    """Sets the HTTP fields of opts (a p2pcdn_*_options struct already initialised) and the
    limits given (max_redirects, max_response_bytes, max_per_host, max_parallel). Every value
    is checked before any field is set, so a bad one leaves opts as it was. Returns the
    encoded strings, which the caller keeps until the library has copied them."""
    unknown = sorted(set(limits) - set(_LIMITS))
    if unknown:
        raise TypeError(f"unexpected keyword argument '{unknown[0]}'")
    ca_file_b = None if ca_file is None else as_path(ca_file)
    ca_path_b = None if ca_path is None else as_path(ca_path)
    agent = None if user_agent is None else as_cstring(user_agent, "user_agent")
    values = {
        "connect_timeout_ms": signed64(connect_timeout_ms, "connect_timeout_ms"),
        "timeout_ms": signed64(timeout_ms, "timeout_ms"),
        "low_speed_bytes_per_s": unsigned(low_speed_bytes_per_s, "low_speed_bytes_per_s",
                                          UINT32_MAX),
        "low_speed_time_s": unsigned(low_speed_time_s, "low_speed_time_s", UINT32_MAX),
    }
    values.update((name, _LIMITS[name](value, name)) for name, value in limits.items())
    opts.ca_file = ca_file_b
    opts.ca_path = ca_path_b
    opts.user_agent = agent
    opts.insecure_skip_verify = 1 if insecure_skip_verify else 0
    opts.refuse_private_addresses = 1 if refuse_private_addresses else 0
    for name, value in values.items():
        setattr(opts, name, value)
    return ca_file_b, ca_path_b, agent
