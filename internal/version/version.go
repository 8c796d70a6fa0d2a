// Package version holds the release of sfnkit this source tree is, so the
// CLI can say which one it is and the changelog cannot fall behind it.
package version

// Version is the release this tree is or is becoming, without the leading
// "v" of its Go module tag (the tag of Version "0.1.0" is v0.1.0). It is the
// version of the top heading of CHANGELOG.md, released or not; a test holds
// the two equal, so a release bumps both in one commit.
//
// The module follows semantic versioning from v1.0.0; before that, a minor
// release may change any API, and the changelog says how.
const Version = "0.1.0"
