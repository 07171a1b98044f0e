-- GET /healthz: the baseline (one SELECT 1 through the whole middleware stack).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/healthz"
