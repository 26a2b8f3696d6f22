import Foundation

/// What s1-think checks of a server before reading any record, so a wrong URL, model name or tokenizer,
/// or a server that cannot do budget forcing exactly, stops the run at once instead of after hours:
/// - the served models (`GET /v1/models`) include `--served-model`;
/// - a probe completion of fixed ids counts as many prompt tokens as were sent (the server took ids, not
///   text) and returns token ids that the local tokenizer decodes to the reply's text (the same vocabulary);
/// - where --min-thinking-tokens needs it, a forbidden token is really never sampled (logit_bias honoured);
/// - the context per sequence, from llama.cpp's `/props` (`n_ctx`) or vLLM's `max_model_len`.
public enum EndpointCheck {
    public struct Server: Sendable {
        public var model: String
        public var dialect: CompletionAPI.Dialect
        public var context: Int
        public init(model: String, dialect: CompletionAPI.Dialect, context: Int) {
            self.model = model
            self.dialect = dialect
            self.context = context
        }
    }

    public static func run(_ client: HTTPClient, model: String, tokenizer: Tokenizer, needsLogitBias: Bool,
                           context override: Int?, connectTimeout: Double) throws -> Server {
        let what = client.base.absoluteString
        let models: HTTPClient.Reply
        do {
            models = try client.call("GET", "/v1/models", what: what, timeout: connectTimeout)
        } catch let e as EndpointError {
            throw EndpointError("cannot use the server: \(e.description)")
        }
        let doc = try HTTPClient.object(models.body, what: what)
        let listed = doc["data"]?.elements ?? []
        let names = listed.compactMap { $0["id"]?.string }
        guard let entry = listed.first(where: { $0["id"]?.string == model }) else {
            throw EndpointError("\(what) serves \(names.isEmpty ? "no models" : names.map { "`\($0)`" }.joined(separator: ", ")), not `\(model)` (--served-model)")
        }
        // llama.cpp's server answers /props; its per-sequence context is n_ctx there.
        var dialect = CompletionAPI.Dialect.openAI
        var context = entry["max_model_len"]?.int
        if let props = try? client.call("GET", "/props", what: what, timeout: connectTimeout), let p = try? HTTPClient.object(props.body, what: what),
           let settings = p["default_generation_settings"] {
            dialect = .llamaCpp
            context = settings["n_ctx"]?.int ?? context
        }
        if let override { context = override }
        guard let context, context > 0 else {
            throw EndpointError("\(what) does not say its context length (neither /props n_ctx nor max_model_len): give --context")
        }
        let server = Server(model: model, dialect: dialect, context: context)

        // The probe: greedy, from ids of plain text the tokenizer round-trips.
        let probe = tokenizer.encode("The first five prime numbers are 2, 3,")
        let req = CompletionAPI.Request(prompt: probe, maxTokens: 4, temperature: 0, topP: 1, seed: 0, stopTokens: [], forbidden: [])
        let r = try complete(client, server, req, tokenizer, what: "\(what) probe")
        if let n = r.promptTokens, n != probe.count {
            throw EndpointError("\(what) counted \(n) prompt tokens for the probe's \(probe.count) token ids: it does not take token-id prompts as given")
        }
        if r.tokens.isEmpty { throw EndpointError("\(what): the probe completion returned no tokens") }
        let decoded = tokenizer.decode(r.tokens)
        if !r.text.isEmpty && decoded != r.text {
            throw EndpointError("\(what): the reply's tokens decode to \(quoted(decoded)) with --tokenizer but the server's text is \(quoted(r.text)): the tokenizer is not the served model's")
        }
        if needsLogitBias {
            var biased = req
            biased.maxTokens = 1
            biased.forbidden = [r.tokens[0]]
            let b = try complete(client, server, biased, tokenizer, what: "\(what) logit_bias probe")
            if b.tokens.first == r.tokens[0] {
                throw EndpointError("\(what) ignores logit_bias: --min-thinking-tokens cannot suppress the end of thinking there")
            }
        }
        return server
    }

    static func complete(_ client: HTTPClient, _ s: Server, _ r: CompletionAPI.Request, _ tok: Tokenizer, what: String) throws -> CompletionAPI.Reply {
        try CompletionAPI.complete(r, client: client, server: s, vocabulary: tok.vocabSize, stopTexts: [], what: what)
    }

    static func quoted(_ s: String) -> String { "\"" + s.prefix(80).replacingOccurrences(of: "\n", with: "\\n") + "\"" }
}
