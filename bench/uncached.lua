-- Each request asks for the same search with a different unused parameter, so that no
-- response comes from the page cache.
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&nocache=" .. counter .. "-" .. math.random(1, 1000000000))
end
