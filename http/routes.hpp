#pragma once
// baton's HTTP API on the server (docs/http.md): what each route takes and answers.
// Requests are parsed and checked on the server's threads; only a well-formed
// operation reaches the engine service, and its answer is given once its batch has
// committed.
#include "base/expected.hpp"
#include "http/server.hpp"
#include "service/engine_service.hpp"

namespace baton::http {

/// The routes, answering through `svc` (which must outlive the server):
///   POST /v1/events   the native event format -> 202 {"incident", "created", ...}
///   GET  /healthz     200 while the process runs
///   GET  /readyz      200 once recovered and while the engine can write; else 503
handler make_routes(service::engine_service& svc);

/// What POST /v1/events makes of a request before anything reaches the engine: the
/// operation to submit, or the 4xx answer saying what is wrong with it. (The fuzz
/// target ingest_native runs bodies through exactly this.)
expected<engine::submit_op, response> event_request(const request& r);

}  // namespace baton::http
