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
        /// `usage.completion_tokens`: how many tokens the server sampled, reported or not.
        public var completionTokens: Int?
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
        var parsed = try parse(reply.body, vocabulary: vocabulary, what: what)
        // llama.cpp's server matches the stop texts after sampling and leaves the matched token out of the
        // ids (usage still counts it; a reply of that token alone has `logprobs: null`). The token was one of
        // this request's stops, and the controller treats those alike (each ends the thinking or the answer,
        // and none is written), so the smallest stands for it.
        if parsed.finish == "stop", let n = parsed.completionTokens, n == parsed.tokens.count + 1, let stop = r.stopTokens.min(),
           !(parsed.tokens.last.map(r.stopTokens.contains) ?? false) {
            parsed.tokens.append(stop)
        }
        return parsed
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
        let completion = doc["usage"]?["completion_tokens"]?.int
        // No logprobs at all: only a reply whose one sampled token was a stop the server did not list (above).
        if ids == nil, finish == "stop", completion == 1, choice["logprobs"].map({ !$0.isObject && !$0.isArray }) ?? true { ids = [] }
        guard let ids else { throw EndpointError("\(what): the reply has no token ids (no `logprobs.content[].id` or `logprobs.tokens`)") }
        return Reply(tokens: ids, finish: finish, promptTokens: doc["usage"]?["prompt_tokens"]?.int, completionTokens: completion,
                     text: choice["text"]?.string ?? "")
    }

    static func token(_ v: Int, _ vocabulary: Int, _ what: String) throws -> Int32 {
        guard v >= 0, v < vocabulary else { throw EndpointError("\(what): the server returned token \(v), outside the tokenizer's vocabulary (0..<\(vocabulary)): is --tokenizer the served model's?") }
        return Int32(v)
    }
}
