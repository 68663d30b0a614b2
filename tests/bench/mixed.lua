-- mixed.lua: DeathStarBench's social-network mix for wrk: 60% home
-- timeline reads, 30% user timeline reads, 10% posts of 256 characters.
-- CHIRP_TOKENS names the file of "userId token" lines load_graph wrote;
-- CHIRP_MIX may be "home", "user" or "post" to run one kind alone.
local users = {}
local mix = os.getenv("CHIRP_MIX") or "mixed"
local counter = 0

function init(args)
	for line in io.lines(os.getenv("CHIRP_TOKENS")) do
		local id, token = line:match("^(%S+) (%S+)$")
		if id then users[#users + 1] = { id = id, token = token } end
	end
	math.randomseed(os.time() + (args[1] and tonumber(args[1]) or 0))
end

local text = string.rep("x", 240)

request = function()
	local u = users[math.random(#users)]
	local r = math.random(100)
	local auth = { ["Authorization"] = "Bearer " .. u.token }
	if mix == "home" or (mix == "mixed" and r <= 60) then
		return wrk.format("GET", "/tweets/homeTimeline/" .. u.id, auth)
	elseif mix == "user" or (mix == "mixed" and r <= 90) then
		local v = users[math.random(#users)]
		return wrk.format("GET", "/tweets/userTimeline/" .. v.id)
	end
	counter = counter + 1
	auth["Content-Type"] = "application/json"
	return wrk.format("POST", "/tweets", auth, string.format(
	    '{"userId":"%s","content":"bench %d %s"}', u.id, counter, text))
end

-- wrk counts answers that are not 2xx or 3xx in summary.errors.status.
done = function(summary, latency, requests)
	io.write(string.format("%s: %d requests, %.0f req/s, p50 %.2f ms, " ..
	    "p99 %.2f ms, non-2xx %d\n", mix, summary.requests,
	    summary.requests / (summary.duration / 1e6),
	    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
	    summary.errors.status))
	-- the latency curve, for the report's plot
	io.write(string.format("%s percentiles ms: 50 %.2f 75 %.2f 90 %.2f " ..
	    "99 %.2f 99.9 %.2f\n", mix, latency:percentile(50) / 1000,
	    latency:percentile(75) / 1000, latency:percentile(90) / 1000,
	    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
