-- Every code of CODES once, in order, split between wrk's threads: each request is a code this instance has not
-- been asked before (cold verification, or warming a cache). POST /api/v1/verifications with code + holder name.
package.path = package.path .. ";" .. (os.getenv("LUA_DIR") or "load-tests/lua") .. "/?.lua"
local common = require("common")
local items = common.load(os.getenv("CODES") or "codes.csv")
local threads, counter = 0, 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
end
request = function()
  local item = items[((counter * nthreads + tid) % #items) + 1]
  counter = counter + 1
  return wrk.format("POST", "/api/v1/verifications", { ["Content-Type"] = "application/json" },
    '{"code":"' .. item.code .. '","holderName":"' .. item.name .. '"}')
end
done = common.done
