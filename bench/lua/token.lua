-- POST /o/token/ grant_type=client_credentials, HTTP Basic client authentication.
-- BENCH_BASIC: base64("client_id:client_secret").
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.path = "/o/token/"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")
