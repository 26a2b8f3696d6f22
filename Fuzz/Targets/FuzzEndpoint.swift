import Foundation

/// What a server sends back: a completions reply body through `CompletionAPI.parse` (ids in either
/// dialect, finish reasons, usage), for a small and a large vocabulary. Every input must give a reply or a
/// thrown error, never a crash, and no id outside the vocabulary.
enum FuzzCompletionReply {
    static func run(_ b: UnsafeRawBufferPointer) {
        let data = Data(b)
        for vocabulary in [8, 49152] {
            guard let r = try? CompletionAPI.parse(data, vocabulary: vocabulary, what: "fuzz") else { continue }
            if r.tokens.contains(where: { $0 < 0 || Int($0) >= vocabulary }) { fatalError("an id outside the vocabulary was accepted") }
        }
    }
}
