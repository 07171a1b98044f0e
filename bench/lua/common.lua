-- Shared by every scenario: counts responses by HTTP status in every wrk thread and prints
-- one machine-readable summary at the end (bench/run.py parses the BENCH_* lines).
-- Scripts load this with dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua").

threads = {}  -- global: scenario scripts read the threads in their own done()
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

statuses = {}

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

-- Every request carries what nginx would add in production: TLS was terminated in front.
wrk.headers["X-Forwarded-Proto"] = "https"

function split(text, separator)
   local items = {}
   for item in string.gmatch(text or "", "([^" .. separator .. "]+)") do
      table.insert(items, item)
   end
   return items
end

function done(summary, latency, requests)
   local merged = {}
   for _, thread in ipairs(threads) do
      local counted = thread:get("statuses") or {}
      for status, count in pairs(counted) do
         merged[status] = (merged[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(merged) do
      table.insert(parts, string.format('"%s": %d', status, count))
   end
   io.write("BENCH_STATUSES {" .. table.concat(parts, ", ") .. "}\n")
   io.write(string.format(
      'BENCH_SUMMARY {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, '
         .. '"p99_us": %d, "mean_us": %.1f, "max_us": %d, "connect": %d, "read": %d, '
         .. '"write": %d, "status": %d, "timeout": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.mean, latency.max, summary.errors.connect,
      summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout
   ))
end
