-- GET /opendata/api/3/action/package_search?... (public, no credentials), round-robin over a
-- fixed mix of queries. BENCH_QUERIES_FILE: one path with its query string a line.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local paths = {}
for line in io.lines(os.getenv("BENCH_QUERIES_FILE")) do
   if #line > 0 then
      table.insert(paths, line)
   end
end
local counter = 0

function init(args)
   counter = (id or 0) * 7
end

function request()
   counter = counter + 1
   return wrk.format("GET", paths[(counter % #paths) + 1])
end
