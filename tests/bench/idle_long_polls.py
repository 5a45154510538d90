# Used by tests/bench/long_polls.sh.
# Holds N idle long polls (GET /v1/events?after=10^12&wait=60) open, spread over T researcher
# tokens, re-asking whenever one is answered; prints how many are open, then runs until killed.
import asyncio, sys
port, n, tokens = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
answered = {'200': 0, 'other': 0}
async def poll(i):
    r, w = await asyncio.open_connection('127.0.0.1', port)
    req = (f"GET /v1/events?after=1000000000000&wait=60 HTTP/1.1\r\nHost: x\r\n"
           f"Authorization: Bearer r{i % tokens}\r\n\r\n").encode()
    while True:
        w.write(req); await w.drain()
        head = await r.readuntil(b"\r\n\r\n")
        status = head.split(b" ")[1].decode()
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
        await r.readexactly(length)
        answered['200' if status == '200' else 'other'] += 1
        if status != '200': print('status', status, flush=True); await asyncio.sleep(5)
async def main():
    tasks = [asyncio.create_task(poll(i)) for i in range(n)]
    await asyncio.sleep(3)
    print('open', n, answered, flush=True)
    await asyncio.gather(*tasks)
asyncio.run(main())
