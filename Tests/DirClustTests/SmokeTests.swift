import Testing
@testable import DirClust

@Test func libraryVersionIsSet() {
    #expect(!DirClustInfo.version.isEmpty)
}
