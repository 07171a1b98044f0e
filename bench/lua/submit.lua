-- POST /api/v1/applications/{number}/submit with the applicant's bearer token; every request
-- submits a different draft, and every acknowledged (2xx) submission's number is recorded so
-- that bench/run.py can check it is in the database afterwards.
-- BENCH_DRAFTS_FILE: lines "case-number token" (drafts made by bench/fixtures.py).
-- BENCH_FROM, BENCH_TO: the 1-based line range this run may use (warm-up and measurement
--   use different drafts). Thread i of BENCH_THREADS takes lines FROM+i, FROM+i+THREADS, ...
-- BENCH_ACKED_FILE: where done() writes the acknowledged numbers, one a line.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local drafts = {}
for line in io.lines(os.getenv("BENCH_DRAFTS_FILE")) do
   local number, token = string.match(line, "^(%S+)%s+(%S+)$")
   if number then
      table.insert(drafts, { number, token })
   end
end
local first = tonumber(os.getenv("BENCH_FROM"))
local last = tonumber(os.getenv("BENCH_TO"))
local stride = tonumber(os.getenv("BENCH_THREADS"))
local position = 0
acked = {}
exhausted = 0

function init(args)
   position = first + (id or 0)
end

function request()
   local index = position
   position = position + stride
   if index > last then
      -- Out of drafts: the harness sized the range too small. Submitting one again would be
      -- refused (409); count it as an error so the run is not mistaken for a result.
      exhausted = exhausted + 1
      index = last
   end
   local draft = drafts[index]
   local headers = {
      ["Authorization"] = "Bearer " .. draft[2],
      ["X-Forwarded-Proto"] = "https",
      ["Content-Length"] = "0",
   }
   return wrk.format("POST", "/api/v1/applications/" .. draft[1] .. "/submit", headers)
end

local count_status = response

function response(status, headers, body)
   count_status(status, headers, body)
   if status >= 200 and status < 300 then
      local number = string.match(body or "", '"number":%s*"([^"]+)"')
      table.insert(acked, number or "?")
   end
end

local summarise = done

function done(summary, latency, requests)
   summarise(summary, latency, requests)
   local out = assert(io.open(os.getenv("BENCH_ACKED_FILE"), "w"))
   local ran_out = 0
   for _, thread in ipairs(threads) do
      for _, number in ipairs(thread:get("acked") or {}) do
         out:write(number, "\n")
      end
      ran_out = ran_out + (thread:get("exhausted") or 0)
   end
   out:close()
   io.write(string.format("BENCH_EXHAUSTED %d\n", ran_out))
end
