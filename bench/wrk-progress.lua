-- wrk script for scripts/bench: the daemon's request (POST getRollingUpgradeProgress) with
-- the same signed headers, cycling over the generated clusters' instance numbers.
-- Environment (set by scripts/bench): BENCH_TIMESTAMP, BENCH_ACCESS_KEY, BENCH_SIGNATURE
-- (signature v2 over "POST /api/v2/cluster/getRollingUpgradeProgress", valid 5 minutes:
-- the body is not signed, so one signature serves every cluster), BENCH_CLUSTERS.
local path = "/api/v2/cluster/getRollingUpgradeProgress"
local requests = {}
local next_index = 1

function init(args)
    local headers = {
        ["Content-Type"] = "application/json",
        ["Accept"] = "application/json",
        ["x-ncp-apigw-timestamp"] = os.getenv("BENCH_TIMESTAMP"),
        ["x-ncp-iam-access-key"] = os.getenv("BENCH_ACCESS_KEY"),
        ["x-ncp-apigw-signature-v2"] = os.getenv("BENCH_SIGNATURE"),
    }
    local clusters = tonumber(os.getenv("BENCH_CLUSTERS") or "1000")
    local n = math.min(clusters, 1000)
    for i = 1, n do
        local body = string.format('{"regionNo":"1","serviceGroupInstanceNo":"%d"}',
                                   9000000 + i)
        requests[i] = wrk.format("POST", path, headers, body)
    end
end

function request()
    local r = requests[next_index]
    next_index = next_index % #requests + 1
    return r
end
