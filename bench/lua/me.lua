-- GET /api/v1/me with a user's bearer token, round-robin over several users' tokens.
-- BENCH_TOKENS: "token,token,..." (access tokens issued by the authorization-code + PKCE flow).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local tokens = split(os.getenv("BENCH_TOKENS"), ",")
local counter = 0

function init(args)
   counter = (id or 0) * 3
end

function request()
   counter = counter + 1
   local headers = {
      ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1],
      ["X-Forwarded-Proto"] = "https",
   }
   return wrk.format("GET", "/api/v1/me", headers)
end
