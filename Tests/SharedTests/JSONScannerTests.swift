import CJansson
import Foundation
import Testing
import Shared

/// The record scanner against jansson as the reference: the same texts accepted and rejected, the same
/// strings decoded, on hand-picked edge cases and on thousands of seeded mutations of real records.
@Suite struct JSONScannerTests {
    /// jansson's verdict: nil when it rejects the text, else its value (caller releases).
    func jansson(_ bytes: [UInt8]) -> UnsafeMutablePointer<json_t>? {
        var err = json_error_t()
        let flags = Int(JSON_ALLOW_NUL | JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL)
        return bytes.withUnsafeBytes { json_loadb($0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count, flags, &err) }
    }

    /// jansson also refuses numbers that overflow a double (1e999); the grammar allows them and so do we.
    func janssonRejectsOnlyForRange(_ bytes: [UInt8]) -> Bool {
        var err = json_error_t()
        let flags = Int(JSON_ALLOW_NUL | JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL)
        let v = bytes.withUnsafeBytes { json_loadb($0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count, flags, &err) }
        if let v { json_decref(v); return false }
        let text = withUnsafeBytes(of: &err.text) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        return text.contains("overflow")
    }

    func scans(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { (try? JSONScanner.scanValue($0)) != nil }
    }

    /// Every string in `ref`'s tree decoded by jansson equals ours at the same place.
    func sameStrings(_ j: UnsafeMutablePointer<json_t>, _ ours: JSONRef) -> Bool {
        switch j.pointee.type {
        case JSON_STRING:
            let theirs = Array(UnsafeRawBufferPointer(start: json_string_value(j), count: json_string_length(j)))
            return ours.withStringBytes { Array($0) } == theirs
        case JSON_ARRAY:
            let els = ours.elements
            guard els.count == json_array_size(j) else { return false }
            return els.indices.allSatisfy { sameStrings(json_array_get(j, $0)!, els[$0]) }
        case JSON_OBJECT:
            // Duplicate keys: jansson keeps the last value, as our lookup does.
            return ours.members.allSatisfy { m in json_object_get(j, m.key).map { sameStrings($0, ours[m.key]!) } ?? false }
        default:
            return true
        }
    }

    func agree(_ text: [UInt8], _ note: String) {
        let j = jansson(text)
        defer { if let j { json_decref(j) } }
        let ok = scans(text)
        if j == nil && ok && janssonRejectsOnlyForRange(text) { return }
        #expect(ok == (j != nil), "\(note): scanner \(ok ? "accepts" : "rejects"), jansson disagrees: \(String(decoding: text, as: UTF8.self).debugDescription)")
        if let j, ok {
            let buf = JSONBuffer(text)
            let span = try! JSONScanner.scanValue(buf.bytes)
            #expect(sameStrings(j, JSONRef(buf, span.start, span.end)), "\(note): decoded strings differ")
        }
    }

    @Test func edgeCasesAgreeWithJansson() {
        let cases: [String] = [
            #"{}"#, #"{"a":1}"#, #" { "a" : [ 1 , 2 ] } "#, #"{"a":"\u00e9\ud83d\ude00\n\t\"\\\/"}"#,
            #"{"a":"\ud83d"}"#, #"{"a":"\ude00"}"#, #"{"a":"\ud83dx"}"#, #"{"a":"\u12"}"#, #"{"a":"\x"}"#,
            #"{"a":01}"#, #"{"a":-0}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":1E+5}"#, #"{"a":-}"#,
            #"{"a":1,}"#, #"{,}"#, #"{"a"}"#, #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":true}x"#, #"[1,2]"#, #""s""#,
            #"{"a":[}"#, #"{"a":"x"#, #"{"a" 1}"#, #"{1:2}"#, #"{"a":"\u0000"}"#, #"{"k\"ey":"v","k\"ey":"w"}"#,
            #"{"a":123456789012345678901234567890}"#, "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}",
        ]
        for c in cases { agree(Array(c.utf8), "case \(c)") }
        // Raw bytes: overlong, surrogate, out of range, truncated and stray continuation sequences.
        let bad: [[UInt8]] = [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                              [0xF0, 0x9F, 0x98], [0x80], [0xC3], [0xFF], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80]]
        for b in bad { agree(Array(#"{"a":""#.utf8) + b + Array(#""}"#.utf8), "bytes \(b)") }
    }

    @Test func seededMutationsOfRealRecordsAgreeWithJansson() throws {
        let lines = Support.read(Support.sharedData + "/math500/test.jsonl").split(separator: "\n").prefix(40).map { Array($0.utf8) }
        try #require(lines.count == 40, "needs ../shared/data/math500/test.jsonl")
        var rng = SplitMix64(seed: 2025)
        let interesting: [UInt8] = Array(#"{}[],:"\\u0123456789eE.-+ tfn"#.utf8) + [0x80, 0xC3, 0xE2, 0xF0, 0xED, 0xFF, 0x0A, 0x00]
        for trial in 0..<3000 {
            var t = lines[Int(rng.next() % UInt64(lines.count))]
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(t.count))
                switch rng.next() % 4 {
                case 0: t[at] = interesting[Int(rng.next() % UInt64(interesting.count))]
                case 1: t.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: at)
                case 2: t.remove(at: at)
                default: t = Array(t[..<at])   // truncation
                }
                if t.isEmpty { t = [0x7B] }
            }
            agree(t, "mutation \(trial)")
        }
    }

    @Test func recordLookupsDecodeEscapesAndNumbers() throws {
        let line = #"{"q":"a\"b\u00e9","n":27.0,"big":123456789012345678901234567890,"t":["x","y\n"],"o":{"k":null}}"#
        let r = try Array(line.utf8).withUnsafeBytes { try Record.parse($0) }
        #expect(r.string("q") == "a\"bé")
        #expect(r["n"]?.scalarText == "27" && r["n"]?.double == 27)
        #expect(r["big"]?.scalarText == "123456789012345678901234567890")
        #expect(r["t"]?.strings == ["x", "y\n"])
        #expect(r["o"]?["k"]?.isNull == true && r["missing"] == nil)
        #expect(r.keys == ["q", "n", "big", "t", "o"])
    }
}
