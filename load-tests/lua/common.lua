-- Shared by every scenario: random picks from a file of "code,name" lines, and a JSON summary at the end.
local M = {}

function M.load(path)
  local items = {}
  local f = io.open(path, "r")
  if f == nil then return items end
  for line in f:lines() do
    local code, name = line:match("^([^,]+),([^,]*)")
    if code then items[#items + 1] = { code = code, name = name } end
  end
  f:close()
  return items
end

function M.pick(items)
  return items[math.random(1, #items)]
end

-- Prints one JSON line the runner parses: requests, errors, latency percentiles in microseconds.
function M.done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"errors":%d,"status_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end

return M
