/// Bad input, always located: the source (a path, a URL or "stdin") and, where it applies, the 1-based line.
/// Tools turn it into exit status 65 (EX_DATAERR) with `source:line: message` on stderr.
public struct InputError: Error, CustomStringConvertible {
    public let source: String
    public let line: Int?
    public let message: String

    public init(_ source: String, line: Int? = nil, _ message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(source):\(line): \(message)" }
        return "\(source): \(message)"
    }
}

/// A problem with the command line or the environment (exit 64), or with reading/writing files (exit 74).
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

public struct IOFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
