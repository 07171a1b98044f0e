-- POST /login/ with identifier + password, round-robin over several accounts.
-- BENCH_ACCOUNTS: "identifier:password,identifier:password,..." (URL-safe characters only)
-- BENCH_CSRF: a 32-character CSRF secret sent both as the csrftoken cookie and as the form's
--   csrfmiddlewaretoken (Django accepts the unmasked secret as the form token).
-- BENCH_REFERER: https://127.0.0.1:PORT/login/ (HTTPS requests must carry a same-origin Referer).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local accounts = {}
for _, pair in ipairs(split(os.getenv("BENCH_ACCOUNTS"), ",")) do
   local identifier, password = string.match(pair, "^([^:]+):(.+)$")
   table.insert(accounts, { identifier, password })
end
local csrf = os.getenv("BENCH_CSRF")
local headers = {
   ["Content-Type"] = "application/x-www-form-urlencoded",
   ["Cookie"] = "csrftoken=" .. csrf,
   ["Referer"] = os.getenv("BENCH_REFERER"),
   ["X-Forwarded-Proto"] = "https",
}
local counter = 0

function init(args)
   counter = (id or 0) * 5
end

function request()
   counter = counter + 1
   local account = accounts[(counter % #accounts) + 1]
   local body = "csrfmiddlewaretoken=" .. csrf .. "&identifier=" .. account[1]
      .. "&password=" .. account[2]
   return wrk.format("POST", "/login/", headers, body)
end
