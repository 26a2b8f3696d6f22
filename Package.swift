// swift-tools-version:5.10
import PackageDescription

// One package: five thin command-line tools over one library (`Shared`) and three C libraries
// found through pkg-config (Debian: libjansson-dev, libzstd-dev, libopenblas-dev, libgmp-dev, libmpfr-dev;
// `make deps`).
let tools = ["s1-fetch", "s1-filter", "s1-sft", "s1-think", "s1-score"]

let package = Package(
    name: "s1-swift",
    products: tools.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CJansson", path: "Sources/CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // The judge's exact rationals (GMP) and correctly rounded high-precision reals (MPFR).
        .systemLibrary(name: "CGMP", path: "Sources/CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CMPFR", path: "Sources/CMPFR", pkgConfig: "mpfr", providers: [.apt(["libmpfr-dev"])]),
        // The matmul kernels (int8 with AVX-512 VNNI, fp16/bf16), in C for the intrinsics Swift cannot
        // express; compiled for the build machine like the Swift code, with a portable path elsewhere.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3", "-march=native", "-ffp-contract=off"])]),
        // Open MPI for s1-sft under mpirun, opened at run time (the tools build and run without MPI).
        .target(name: "CMPIShim", path: "Sources/CMPIShim", linkerSettings: [.linkedLibrary("dl")]),
        .target(
            name: "Shared",
            dependencies: [
                "CZstd", "COpenBLAS", "CGMP", "CMPFR", "CKernels", "CMPIShim",   // jansson is only the tests' reference parser
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release code is compiled for the CPU that builds it (as llama.cpp's default GGML_NATIVE): the
            // decode kernels use 512-bit vectors where the machine has them. Binaries are not portable.
            swiftSettings: [.unsafeFlags(["-O", "-wmo", "-target-cpu", "native"], .when(configuration: .release))]
        ),
    ] + tools.map {
        .executableTarget(
            name: $0,
            dependencies: ["Shared", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        )
    } + [
        // jansson is the independent reference the JSON scanner is checked against.
        .testTarget(name: "SharedTests", dependencies: ["Shared", "CJansson", "CKernels"], resources: [.copy("Fixtures")]),
    ]
)
