-- GET /api/v1/exchange/datasets/POP-BASE/records?id_number=... with an exchange client's
-- client-credentials token, round-robin over citizen IDs of the generated registry.
-- BENCH_TOKEN: the access token (scope exchange); BENCH_IDS_FILE: one citizen ID a line.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local ids = {}
for line in io.lines(os.getenv("BENCH_IDS_FILE")) do
   if #line > 0 then
      table.insert(ids, line)
   end
end
local counter = 0
local headers = {
   ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
   ["X-Forwarded-Proto"] = "https",
}

function init(args)
   -- Threads start at different places in the list.
   counter = (id or 0) * math.floor(#ids / 2)
end

function request()
   counter = counter + 1
   local number = ids[(counter % #ids) + 1]
   return wrk.format(
      "GET", "/api/v1/exchange/datasets/POP-BASE/records?id_number=" .. number, headers
   )
end
