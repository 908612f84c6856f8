-- POST /api/v1/verifications/batch: 1,000 items from CODES (code,name lines; a hot set = cached codes) per request,
-- with a partner key (PARTNER_KEY: batch scope and a quota of at least 1,000 × the request rate).
-- Goal (issue 6): one batch of 1,000 cached codes answered in ≤ 50 ms; read p50 from the summary line.
-- Last run (2-core dev machine shared with other builds, Kestrel on loopback, wrk -t1 -c1 -d10s, 5 hot demo codes):
--   474 batches, p50 13.8 ms, p99 235 ms, no errors; each answer is ~2.9 MB of JSON (11 checks per item).
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
local parts = {}
for i = 1, 1000 do
  local item = items[((i - 1) % #items) + 1]
  parts[i] = '{"code":"' .. item.code .. '","holderName":"' .. item.name .. '"}'
end
local body = '{"items":[' .. table.concat(parts, ",") .. ']}'
local headers = { ["Content-Type"] = "application/json", ["X-Api-Key"] = os.getenv("PARTNER_KEY") or "" }
request = function()
  return wrk.format("POST", "/api/v1/verifications/batch", headers, body)
end
done = common.done
