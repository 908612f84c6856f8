-- POST /api/v1/verifications with the demo certificate and its holder (hot: the record is cached after the first request).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"code":"Y000044030006233000123","holderName":"王小明"}'
