/// SPEC §4: the one text layout training and inference share.
///   <|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n
///   <|im_start|>think\n{thinking}\n<|im_start|>answer\n{attempt}<|im_end|>\n
public enum ChatTemplate {
    /// s1's exact training system prompt.
    public static let defaultSystem = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."

    /// The same layout as a Jinja chat template (written into exported GGUF and used by llama.cpp's server):
    /// the system message, or s1's default, then each turn, then `<|im_start|>assistant\n`.
    public static let jinja = "{%- if messages[0]['role'] == 'system' %}{{ '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
        + "{%- else %}{{ '<|im_start|>system\\n\(defaultSystem)<|im_end|>\\n' }}{%- endif %}"
        + "{%- for message in messages %}{%- if message['role'] != 'system' %}"
        + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endif %}{%- endfor %}"
        + "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}"

    /// The first line: everything up to and including `<|im_start|>assistant\n`.
    public static func prefix(question: String, system: String = defaultSystem) -> String {
        "<|im_start|>system\n\(system)<|im_end|>\n<|im_start|>user\n\(question)<|im_end|>\n<|im_start|>assistant\n"
    }

    /// The inference prompt: the first line and `<|im_start|>think` (the model writes the newline).
    public static func thinkingPrompt(question: String, system: String = defaultSystem) -> String {
        prefix(question: question, system: system) + "<|im_start|>think"
    }

    /// The training text's assistant part: thinking = the traces joined by "\n", stripped; attempt gets
    /// "Answer: " in front unless it has "Answer:", then is stripped.
    public static func assistant(thinking traces: [String], attempt: String) -> String {
        let thinking = strip(traces.joined(separator: "\n"))
        let a = strip(attempt.contains("Answer:") ? attempt : "Answer: " + attempt)
        return "<|im_start|>think\n\(thinking)\n<|im_start|>answer\n\(a)<|im_end|>\n"
    }

    /// Python's str.strip(): leading and trailing whitespace (Unicode White_Space) removed.
    public static func strip(_ s: String) -> String {
        let u = s.unicodeScalars
        guard let first = u.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = u.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(u[first...last])
    }
}
