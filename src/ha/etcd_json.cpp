#include "ha/etcd_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>

#include "common/crypto.hpp"
#include "common/json_writer.hpp"

namespace sesmon::ha::json {
namespace {

namespace cj = common::json;
using value = rapidjson::Value;

// ---- writing ----

void put_bytes(cj::writer& w, std::string_view name, std::string_view bytes) {
    cj::put(w, name, common::base64_encode(bytes));
}

void put_int(cj::writer& w, std::string_view name, std::int64_t n) {
    cj::put(w, name, std::to_string(n));
}

void write_range(cj::writer& w, const range_request& r) {
    w.StartObject();
    put_bytes(w, "key", r.key);
    if (!r.range_end.empty())
        put_bytes(w, "range_end", r.range_end);
    if (r.limit != 0)
        put_int(w, "limit", r.limit);
    if (r.revision != 0)
        put_int(w, "revision", r.revision);
    if (r.count_only) {
        cj::key(w, "count_only");
        w.Bool(true);
    }
    w.EndObject();
}

void write_put(cj::writer& w, const put_request& r) {
    w.StartObject();
    put_bytes(w, "key", r.key);
    put_bytes(w, "value", r.value);
    if (r.lease != 0)
        put_int(w, "lease", r.lease);
    w.EndObject();
}

void write_delete(cj::writer& w, const delete_request& r) {
    w.StartObject();
    put_bytes(w, "key", r.key);
    if (!r.range_end.empty())
        put_bytes(w, "range_end", r.range_end);
    w.EndObject();
}

std::string_view target_name(compare::target t) {
    switch (t) {
        case compare::target::version:
            return "VERSION";
        case compare::target::create:
            return "CREATE";
        case compare::target::mod:
            return "MOD";
        case compare::target::value:
            return "VALUE";
        case compare::target::lease:
            return "LEASE";
    }
    return "VERSION";
}

std::string_view result_name(compare::result r) {
    switch (r) {
        case compare::result::equal:
            return "EQUAL";
        case compare::result::greater:
            return "GREATER";
        case compare::result::less:
            return "LESS";
        case compare::result::not_equal:
            return "NOT_EQUAL";
    }
    return "EQUAL";
}

void write_compare(cj::writer& w, const compare& c) {
    w.StartObject();
    put_bytes(w, "key", c.key);
    cj::put(w, "target", target_name(c.what));
    cj::put(w, "result", result_name(c.how));
    switch (c.what) {
        case compare::target::version:
            put_int(w, "version", c.number);
            break;
        case compare::target::create:
            put_int(w, "create_revision", c.number);
            break;
        case compare::target::mod:
            put_int(w, "mod_revision", c.number);
            break;
        case compare::target::value:
            put_bytes(w, "value", c.value);
            break;
        case compare::target::lease:
            put_int(w, "lease", c.number);
            break;
    }
    w.EndObject();
}

void write_ops(cj::writer& w, std::string_view name, const std::vector<txn_op>& ops) {
    if (ops.empty())
        return;
    cj::key(w, name);
    w.StartArray();
    for (const txn_op& op : ops) {
        w.StartObject();
        if (const auto* r = std::get_if<range_request>(&op)) {
            cj::key(w, "request_range");
            write_range(w, *r);
        } else if (const auto* p = std::get_if<put_request>(&op)) {
            cj::key(w, "request_put");
            write_put(w, *p);
        } else {
            cj::key(w, "request_delete_range");
            write_delete(w, std::get<delete_request>(op));
        }
        w.EndObject();
    }
    w.EndArray();
}

template <class Body>
std::string written(Body&& body) {
    rapidjson::StringBuffer buffer;
    cj::writer w(buffer);
    body(w);
    return cj::text(buffer);
}

// ---- reading ----

etcd_error protocol_error(std::string what) {
    return {etcd_error_kind::protocol, 200, 0, "unexpected answer from etcd: " + std::move(what)};
}

// Reading stops at the first problem; `problem` says what it was.
struct reader {
    std::string problem;

    const value* member(const value& object, const char* name) {
        const auto it = object.FindMember(name);
        return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
    }

    // A 64-bit integer written as a string (or, leniently, as a number); 0 when absent.
    template <class Int>
    Int integer(const value& object, const char* name) {
        const value* v = member(object, name);
        if (v == nullptr)
            return 0;
        if (v->IsString()) {
            Int n = 0;
            const char* first = v->GetString();
            const char* last = first + v->GetStringLength();
            const auto [end, ec] = std::from_chars(first, last, n);
            if (ec == std::errc() && end == last && first != last)
                return n;
        } else if constexpr (std::is_signed_v<Int>) {
            if (v->IsInt64())
                return v->GetInt64();
        } else if (v->IsUint64()) {
            return v->GetUint64();
        }
        fail(std::string(name) + " is not an integer");
        return 0;
    }

    bool boolean(const value& object, const char* name) {
        const value* v = member(object, name);
        if (v == nullptr)
            return false;
        if (!v->IsBool()) {
            fail(std::string(name) + " is not a boolean");
            return false;
        }
        return v->GetBool();
    }

    std::string text(const value& object, const char* name) {
        const value* v = member(object, name);
        if (v == nullptr)
            return {};
        if (!v->IsString()) {
            fail(std::string(name) + " is not a string");
            return {};
        }
        return {v->GetString(), v->GetStringLength()};
    }

    std::string bytes(const value& object, const char* name) {
        const std::string encoded = text(object, name);
        auto decoded = common::base64_decode(encoded);
        if (!decoded) {
            fail(std::string(name) + " is not base64");
            return {};
        }
        return std::move(*decoded);
    }

    const value* object(const value& parent, const char* name) {
        const value* v = member(parent, name);
        if (v != nullptr && !v->IsObject()) {
            fail(std::string(name) + " is not an object");
            return nullptr;
        }
        return v;
    }

    const value* array(const value& parent, const char* name) {
        const value* v = member(parent, name);
        if (v != nullptr && !v->IsArray()) {
            fail(std::string(name) + " is not an array");
            return nullptr;
        }
        return v;
    }

    void fail(std::string what) {
        if (problem.empty())
            problem = std::move(what);
    }

    response_header header(const value& parent) {
        response_header h;
        if (const value* o = object(parent, "header")) {
            h.revision = integer<std::int64_t>(*o, "revision");
            h.cluster_id = integer<std::uint64_t>(*o, "cluster_id");
            h.member_id = integer<std::uint64_t>(*o, "member_id");
            h.raft_term = integer<std::int64_t>(*o, "raft_term");
        }
        return h;
    }

    key_value kv(const value& o) {
        key_value out;
        if (!o.IsObject()) {
            fail("a key-value is not an object");
            return out;
        }
        out.key = bytes(o, "key");
        out.value = bytes(o, "value");
        out.create_revision = integer<std::int64_t>(o, "create_revision");
        out.mod_revision = integer<std::int64_t>(o, "mod_revision");
        out.version = integer<std::int64_t>(o, "version");
        out.lease = integer<std::int64_t>(o, "lease");
        return out;
    }

    range_response range(const value& o) {
        range_response out;
        out.header = header(o);
        if (const value* kvs = array(o, "kvs")) {
            for (const value& item : kvs->GetArray())
                out.kvs.push_back(kv(item));
        }
        out.more = boolean(o, "more");
        out.count = integer<std::int64_t>(o, "count");
        return out;
    }

    delete_response deleted(const value& o) {
        return {header(o), integer<std::int64_t>(o, "deleted")};
    }

    watch_event event(const value& o) {
        watch_event out;
        if (!o.IsObject()) {
            fail("a watch event is not an object");
            return out;
        }
        const std::string type = text(o, "type");
        if (type == "DELETE") {
            out.type = watch_event::kind::remove;
        } else if (!type.empty() && type != "PUT") {
            fail("unknown watch event type " + type);
        }
        if (const value* k = object(o, "kv"))
            out.kv = kv(*k);
        return out;
    }
};

// Parses `body` as a JSON object and reads it with `read`; a protocol error otherwise.
template <class T, class Read>
etcd_result<T> decode(std::string_view body, Read&& read) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError())
        return protocol_error(std::string("invalid JSON (") +
                              rapidjson::GetParseError_En(doc.GetParseError()) + ")");
    if (!doc.IsObject())
        return protocol_error("not a JSON object");
    reader r;
    etcd_result<T> out = read(r, static_cast<const value&>(doc));
    if (!r.problem.empty())
        return protocol_error(r.problem);
    return out;
}

// A streamed message's {"error": {"grpc_code", "http_code", "message"}}, if it has one.
std::optional<etcd_error> stream_error(reader& r, const value& doc) {
    const value* e = r.member(doc, "error");
    if (e == nullptr || !e->IsObject())
        return std::nullopt;
    etcd_error out{etcd_error_kind::server, r.integer<int>(*e, "http_code"),
                   r.integer<int>(*e, "grpc_code"), r.text(*e, "message")};
    if (out.message.empty())
        out.message = "etcd reported an error without a message";
    return out;
}

// The `result` object of a streamed message (lease keep-alive, watch).
const value* result_of(reader& r, const value& doc) {
    const value* o = r.object(doc, "result");
    if (o == nullptr)
        r.fail("no result");
    return o;
}

}  // namespace

std::string encode(const range_request& r) {
    return written([&](cj::writer& w) { write_range(w, r); });
}

std::string encode(const put_request& r) {
    return written([&](cj::writer& w) { write_put(w, r); });
}

std::string encode(const delete_request& r) {
    return written([&](cj::writer& w) { write_delete(w, r); });
}

std::string encode(const txn_request& r) {
    return written([&](cj::writer& w) {
        w.StartObject();
        if (!r.compares.empty()) {
            cj::key(w, "compare");
            w.StartArray();
            for (const compare& c : r.compares)
                write_compare(w, c);
            w.EndArray();
        }
        write_ops(w, "success", r.success);
        write_ops(w, "failure", r.failure);
        w.EndObject();
    });
}

std::string encode_watch_create(const watch_request& r) {
    return written([&](cj::writer& w) {
        w.StartObject();
        cj::key(w, "create_request");
        w.StartObject();
        put_bytes(w, "key", r.key);
        if (!r.range_end.empty())
            put_bytes(w, "range_end", r.range_end);
        if (r.start_revision != 0)
            put_int(w, "start_revision", r.start_revision);
        if (r.prev_kv) {
            cj::key(w, "prev_kv");
            w.Bool(true);
        }
        if (r.progress_notify) {
            cj::key(w, "progress_notify");
            w.Bool(true);
        }
        w.EndObject();
        w.EndObject();
    });
}

std::string encode_lease_grant(std::int64_t ttl_seconds) {
    return written([&](cj::writer& w) {
        w.StartObject();
        put_int(w, "TTL", ttl_seconds);
        w.EndObject();
    });
}

std::string encode_lease_id(std::int64_t id) {
    return written([&](cj::writer& w) {
        w.StartObject();
        put_int(w, "ID", id);
        w.EndObject();
    });
}

std::string encode_authenticate(std::string_view name, std::string_view password) {
    return written([&](cj::writer& w) {
        w.StartObject();
        cj::put(w, "name", name);
        cj::put(w, "password", password);
        w.EndObject();
    });
}

std::string encode_compaction(std::int64_t revision) {
    return written([&](cj::writer& w) {
        w.StartObject();
        put_int(w, "revision", revision);
        w.EndObject();
    });
}

etcd_result<range_response> decode_range(std::string_view body) {
    return decode<range_response>(body, [](reader& r, const value& o) { return r.range(o); });
}

etcd_result<response_header> decode_put(std::string_view body) {
    return decode<response_header>(body, [](reader& r, const value& o) { return r.header(o); });
}

etcd_result<delete_response> decode_delete(std::string_view body) {
    return decode<delete_response>(body, [](reader& r, const value& o) { return r.deleted(o); });
}

etcd_result<txn_response> decode_txn(std::string_view body) {
    return decode<txn_response>(body, [](reader& r, const value& o) {
        txn_response out;
        out.header = r.header(o);
        out.succeeded = r.boolean(o, "succeeded");
        if (const value* responses = r.array(o, "responses")) {
            for (const value& item : responses->GetArray()) {
                if (!item.IsObject()) {
                    r.fail("a txn response is not an object");
                } else if (const value* range = r.object(item, "response_range")) {
                    out.responses.emplace_back(r.range(*range));
                } else if (const value* put = r.object(item, "response_put")) {
                    out.responses.emplace_back(r.header(*put));
                } else if (const value* del = r.object(item, "response_delete_range")) {
                    out.responses.emplace_back(r.deleted(*del));
                } else {
                    r.fail("a txn response of an unknown kind");
                }
            }
        }
        return out;
    });
}

etcd_result<lease_grant_response> decode_lease_grant(std::string_view body) {
    return decode<lease_grant_response>(
        body, [](reader& r, const value& o) -> etcd_result<lease_grant_response> {
            // LeaseGrantResponse has an `error` string of its own.
            if (const std::string error = r.text(o, "error"); !error.empty())
                return etcd_error{etcd_error_kind::server, 200, 0, error};
            lease_grant_response out{r.header(o), r.integer<std::int64_t>(o, "ID"),
                                     r.integer<std::int64_t>(o, "TTL")};
            if (r.problem.empty() && (out.id == 0 || out.ttl <= 0))
                r.fail("a lease grant without ID or TTL");
            return out;
        });
}

etcd_result<lease_keepalive_response> decode_lease_keepalive(std::string_view body) {
    return decode<lease_keepalive_response>(
        body, [](reader& r, const value& doc) -> etcd_result<lease_keepalive_response> {
            if (auto error = stream_error(r, doc))
                return *error;
            lease_keepalive_response out;
            if (const value* o = result_of(r, doc)) {
                out.header = r.header(*o);
                out.id = r.integer<std::int64_t>(*o, "ID");
                out.ttl = r.integer<std::int64_t>(*o, "TTL");
            }
            return out;
        });
}

etcd_result<response_header> decode_lease_revoke(std::string_view body) {
    return decode_put(body);
}

etcd_result<std::string> decode_authenticate(std::string_view body) {
    return decode<std::string>(body, [](reader& r, const value& o) -> etcd_result<std::string> {
        std::string token = r.text(o, "token");
        if (r.problem.empty() && token.empty())
            r.fail("an authentication answer without a token");
        return token;
    });
}

etcd_result<watch_response> decode_watch_message(std::string_view message) {
    return decode<watch_response>(
        message, [](reader& r, const value& doc) -> etcd_result<watch_response> {
            if (auto error = stream_error(r, doc))
                return *error;
            watch_response out;
            const value* o = result_of(r, doc);
            if (o == nullptr)
                return out;
            out.header = r.header(*o);
            out.watch_id = r.integer<std::int64_t>(*o, "watch_id");
            out.created = r.boolean(*o, "created");
            out.canceled = r.boolean(*o, "canceled");
            out.compact_revision = r.integer<std::int64_t>(*o, "compact_revision");
            out.cancel_reason = r.text(*o, "cancel_reason");
            if (const value* events = r.array(*o, "events")) {
                for (const value& e : events->GetArray())
                    out.events.push_back(r.event(e));
            }
            return out;
        });
}

etcd_result<maintenance_status> decode_status(std::string_view body) {
    return decode<maintenance_status>(body, [](reader& r, const value& o) {
        maintenance_status out;
        out.header = r.header(o);
        out.db_size = r.integer<std::int64_t>(o, "dbSize");
        out.db_size_in_use = r.integer<std::int64_t>(o, "dbSizeInUse");
        if (const value* errors = r.array(o, "errors")) {
            for (const value& e : errors->GetArray()) {
                if (e.IsString())
                    out.errors.emplace_back(e.GetString(), e.GetStringLength());
            }
        }
        return out;
    });
}

etcd_error decode_error(int http_status, std::string_view body) {
    etcd_error out{etcd_error_kind::server, http_status, 0, {}};
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
        reader r;
        out.message = r.text(doc, "message");
        if (out.message.empty()) {
            out.message = r.text(doc, "error");
            if (const value* nested = r.object(doc, "error"); nested && out.message.empty())
                out.message = r.text(*nested, "message");
        }
        out.grpc_code = r.integer<int>(doc, "code");
    }
    if (out.message.empty()) {
        out.message = "HTTP " + std::to_string(http_status) +
                      (body.empty() ? std::string() : " with a body that is not etcd's error JSON");
    }
    return out;
}

}  // namespace sesmon::ha::json
