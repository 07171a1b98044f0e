-- GET /api/v1/licences/{number}/verify (public, no credentials), round-robin over licences.
-- BENCH_LICENCES: "number,number,..." (licences issued by bench/fixtures.py, Ed25519-signed).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local numbers = split(os.getenv("BENCH_LICENCES"), ",")
local counter = 0

function init(args)
   counter = (id or 0) * 7
end

function request()
   counter = counter + 1
   local number = numbers[(counter % #numbers) + 1]
   return wrk.format("GET", "/api/v1/licences/" .. number .. "/verify")
end
