import Foundation

/// The OpenAI completions call as s1-think uses it: the prompt goes as token ids and the sampled tokens
/// come back as ids, so the remote model continues exactly the sequence budget forcing built, and every
/// token is counted as the local decoder counts it. One body serves the servers in use, each reading the
/// fields it knows: vLLM (`return_tokens_as_token_ids`, `stop_token_ids`, `skip_special_tokens`) and
/// llama.cpp's server (`preserved_tokens`, so the chat delimiters match as stop strings; `cache_prompt`).
public enum CompletionAPI {
    /// How the server takes a logit bias that forbids a token: llama.cpp accepts `false` (−∞); the
    /// OpenAI range, which vLLM applies, ends at −100.
    public enum Dialect: String, Sendable { case llamaCpp = "llama.cpp", openAI = "openai" }

    public struct Request {
        public var prompt: [Int32]
        public var maxTokens: Int
        public var temperature: Float
        public var topP: Float
        public var seed: UInt64
        /// Tokens that end this request (the end-of-thinking signals, or the answer's stops).
        public var stopTokens: [Int32]
        /// Tokens the server must not sample (the end signals while --min-thinking-tokens holds).
        public var forbidden: [Int32]
    }

    public struct Reply: Equatable {
        public var tokens: [Int32]
        /// "stop" (a stop token, a stop string or EOS) or "length" (max_tokens reached).
        public var finish: String
        public var promptTokens: Int?
        public var text: String
    }

    public static func body(_ r: Request, model: String, dialect: Dialect, stopTexts: [String]) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("model", .string(model)),
            ("prompt", .array(r.prompt.map { .int(Int($0)) })),
            ("max_tokens", .int(r.maxTokens)),
            ("temperature", .double(Double(r.temperature))),
            ("top_p", .double(Double(r.topP))),
            // Seeds stay inside the range every server parses (63 bits).
            ("seed", .int(Int(r.seed & 0x7FFF_FFFF_FFFF_FFFF))),
            ("logprobs", .int(1)),
            ("stream", .bool(false)),
            ("return_tokens_as_token_ids", .bool(true)),
            ("skip_special_tokens", .bool(false)),
            ("spaces_between_special_tokens", .bool(false)),
            ("cache_prompt", .bool(true)),
        ]
        if !r.stopTokens.isEmpty {
            f.append(("stop_token_ids", .array(r.stopTokens.map { .int(Int($0)) })))
            if !stopTexts.isEmpty {
                f.append(("stop", .array(stopTexts.map { .string($0) })))
                f.append(("preserved_tokens", .array(stopTexts.map { .string($0) })))
            }
        }
        if !r.forbidden.isEmpty {
            switch dialect {
            case .llamaCpp: f.append(("logit_bias", .array(r.forbidden.map { .array([.int(Int($0)), .bool(false)]) })))
            case .openAI: f.append(("logit_bias", .object(r.forbidden.map { (String($0), .int(-100)) })))
            }
        }
        return .object(f)
    }

    /// One completions request to `server` through `client`: the body sent, the reply's ids read.
    public static func complete(_ r: Request, client: HTTPClient, server: EndpointCheck.Server, vocabulary: Int,
                                stopTexts: [String], what: String) throws -> Reply {
        let sent = body(r, model: server.model, dialect: server.dialect, stopTexts: stopTexts)
        let reply = try client.call("POST", "/v1/completions", json: sent, what: what)
        return try parse(reply.body, vocabulary: vocabulary, what: what)
    }

    /// The sampled token ids of a reply: llama.cpp lists them in `logprobs.content[].id`, vLLM (with
    /// `return_tokens_as_token_ids`) as `"token_id:N"` strings in `logprobs.tokens`. A reply with neither is
    /// an error: the server cannot say which tokens it produced.
    public static func parse(_ data: Data, vocabulary: Int, what: String) throws -> Reply {
        let doc = try HTTPClient.object(data, what: what)
        guard let choice = doc["choices"]?.elements.first else { throw EndpointError("\(what): the reply has no `choices`: \(HTTPClient.snippet(data))") }
        let finish = choice["finish_reason"]?.string ?? "length"
        var ids: [Int32]? = nil
        if let lp = choice["logprobs"], lp.isObject {
            if let content = lp["content"], content.isArray {
                ids = try content.elements.map { e in
                    guard let v = e["id"]?.int else { throw EndpointError("\(what): a `logprobs.content` entry has no token `id`") }
                    return try token(v, vocabulary, what)
                }
            } else if let toks = lp["tokens"], toks.isArray {
                ids = try toks.elements.map { e in
                    guard let s = e.string, s.hasPrefix("token_id:"), let v = Int(s.dropFirst(9)) else {
                        throw EndpointError("\(what): `logprobs.tokens` holds text, not `token_id:N` (the server ignored return_tokens_as_token_ids)")
                    }
                    return try token(v, vocabulary, what)
                }
            }
        }
        if ids == nil, let toks = choice["tokens"] ?? doc["tokens"], toks.isArray {
            ids = try toks.elements.map { e in
                guard let v = e.int else { throw EndpointError("\(what): `tokens` holds \(e.scalarText ?? "a non-number")") }
                return try token(v, vocabulary, what)
            }
        }
        guard let ids else { throw EndpointError("\(what): the reply has no token ids (no `logprobs.content[].id` or `logprobs.tokens`)") }
        return Reply(tokens: ids, finish: finish, promptTokens: doc["usage"]?["prompt_tokens"]?.int, text: choice["text"]?.string ?? "")
    }

    static func token(_ v: Int, _ vocabulary: Int, _ what: String) throws -> Int32 {
        guard v >= 0, v < vocabulary else { throw EndpointError("\(what): the server returned token \(v), outside the tokenizer's vocabulary (0..<\(vocabulary)): is --tokenizer the served model's?") }
        return Int32(v)
    }
}
