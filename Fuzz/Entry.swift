import Glibc

/// The libFuzzer entry of the one fuzzing binary (`make fuzz`): S1_FUZZ_TARGET names the target, each a
/// file in Fuzz/Targets that feeds the bytes to one reader of hostile input. One binary keeps the
/// AddressSanitizer build of `Shared` to a single compile on two cores.
nonisolated(unsafe) var selected: ((UnsafeRawBufferPointer) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    let name = getenv("S1_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let t = FuzzTargets.all[name] else {
        fputs("S1_FUZZ_TARGET must be one of: \(FuzzTargets.all.keys.sorted().joined(separator: " "))\n", stderr)
        exit(2)
    }
    selected = t
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected?(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
