import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A server that cannot be used or stopped answering: exit status 69 (EX_UNAVAILABLE), naming the URL and,
/// once records are being decoded, the record.
public struct EndpointError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Blocking JSON-over-HTTP calls through Foundation's URLSession (libcurl underneath on Linux), one per
/// calling thread, so s1-think's workers each hold one request in flight. Failures that a retry can cure
/// (429, 5xx, a dropped or timed-out connection) are retried with exponential backoff; the rest, and the
/// last retry's failure, are `EndpointError`s. The API key goes only into the Authorization header: it is
/// never part of a message.
public final class HTTPClient: @unchecked Sendable {
    public struct Reply {
        public var status: Int
        public var body: Data
    }

    public let base: URL
    let apiKey: String?
    let session: URLSession
    /// Seconds a request may wait for the connection or for the next bytes of the reply.
    public let timeout: Double
    public let retries: Int
    /// The first backoff; each retry doubles it (with up to 25% jitter), capped at 30 s.
    public let backoff: Double

    public init(base: URL, apiKey: String?, timeout: Double, retries: Int, backoff: Double = 0.5) {
        self.base = base
        self.apiKey = apiKey
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.httpMaximumConnectionsPerHost = 256
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: config)
    }

    /// `path` under the base URL (`/v1/completions` under `http://host:8000`).
    public func url(_ path: String) -> URL {
        var s = base.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        return URL(string: s + path) ?? base
    }

    /// One exchange, no retry: the reply, or the transport error's text.
    func once(_ method: String, _ path: String, body: [UInt8]?, timeout: Double) -> Result<Reply, EndpointError> {
        var req = URLRequest(url: url(path), cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        req.httpMethod = method
        if let body {
            req.httpBody = Data(body)
            req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let apiKey { req.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let box = HTTP.exchange(session, req)
        if let error = box.error { return .failure(EndpointError("\(method) \(url(path)): \(Self.describe(error))")) }
        guard let http = box.response as? HTTPURLResponse else { return .failure(EndpointError("\(method) \(url(path)): not an HTTP reply")) }
        let data = box.data ?? Data()
        if let cut = HTTP.cutShort(http, data) { return .failure(EndpointError("\(method) \(url(path)): \(cut)")) }
        return .success(Reply(status: http.statusCode, body: data))
    }

    static func describe(_ e: Error) -> String {
        guard let u = e as? URLError else { return "\(e)" }
        switch u.code {
        case .timedOut: return "timed out"
        case .cannotConnectToHost: return "connection refused"
        case .networkConnectionLost: return "the connection was closed before the reply ended"
        case .cannotFindHost: return "unknown host"
        default: return u.localizedDescription
        }
    }

    /// A message with the API key, should a server echo it, masked.
    func redact(_ s: String) -> String {
        guard let apiKey, !apiKey.isEmpty else { return s }
        return s.replacingOccurrences(of: apiKey, with: "***")
    }

    static func retryable(_ status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    /// The reply of a request that succeeded (2xx), retrying what can be retried. `what` names the work
    /// in messages (a record id); `timeout` overrides the client's (the startup checks use a short one).
    public func call(_ method: String, _ path: String, json: JSONValue? = nil, what: String, timeout: Double? = nil) throws -> Reply {
        let body = json.map { v -> [UInt8] in var out: [UInt8] = []; JSONSerializer.write(v, into: &out); return out }
        var attempt = 0
        while true {
            let r = once(method, path, body: body, timeout: timeout ?? self.timeout)
            var failure: String
            switch r {
            case .success(let reply) where (200...299).contains(reply.status):
                return reply
            case .success(let reply):
                failure = redact("HTTP \(reply.status) from \(method) \(url(path)): \(Self.snippet(reply.body))")
                if !Self.retryable(reply.status) { throw EndpointError("\(what): \(failure)") }
            case .failure(let e):
                failure = redact(e.description)
            }
            attempt += 1
            if attempt > retries { throw EndpointError("\(what): \(failure) (after \(retries) retr\(retries == 1 ? "y" : "ies"))") }
            let delay = min(30, backoff * pow(2, Double(attempt - 1))) * (1 + Double.random(in: 0..<0.25))
            Log.line("s1-think: \(what): \(failure); retry \(attempt)/\(retries) in \(String(format: "%.1f", delay)) s")
            Thread.sleep(forTimeInterval: delay)
        }
    }

    /// A reply body as a JSON object, or an error naming the request.
    public static func object(_ d: Data, what: String) throws -> Record {
        do { return try d.withUnsafeBytes { b throws(JSONSyntaxError) in try Record.parse(b, source: what) } }
        catch { throw EndpointError("\(what): the reply is not a JSON object: \(snippet(d))") }
    }

    /// The start of a reply body for an error message (servers explain refusals there).
    static func snippet(_ d: Data) -> String {
        let s = String(decoding: d.prefix(300), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return s.isEmpty ? "(empty body)" : s
    }
}

extension HTTP {
    final class Exchange: @unchecked Sendable { var data: Data?; var response: URLResponse?; var error: Error? }

    /// One request on `session`, waited for on the calling thread.
    static func exchange(_ session: URLSession, _ req: URLRequest) -> Exchange {
        let box = Exchange()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: req) { d, r, e in
            box.data = d; box.response = r; box.error = e
            done.signal()
        }.resume()
        done.wait()
        return box
    }

    /// Why a body is shorter than its Content-Length, or nil.
    static func cutShort(_ http: HTTPURLResponse, _ data: Data) -> String? {
        let expected = http.expectedContentLength
        return expected >= 0 && Int64(data.count) != expected ? "transfer cut short (\(data.count) of \(expected) bytes)" : nil
    }
}
