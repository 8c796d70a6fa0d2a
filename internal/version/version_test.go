package version

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// releaseHeading matches a Keep a Changelog release heading:
// "## [0.1.0] - 2026-12-01" or "## [0.1.0] - Unreleased".
var releaseHeading = regexp.MustCompile(`^## \[([^\]]+)\] - (Unreleased|\d{4}-\d{2}-\d{2})$`)

// topRelease returns the version and date of the first release heading of a
// changelog, and the line it is on; a second-level heading of another shape
// before it is an error, reported as its line.
func topRelease(changelog string) (version, date string, line int, bad string) {
	sc := bufio.NewScanner(strings.NewReader(changelog))
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if !strings.HasPrefix(text, "## ") {
			continue
		}
		m := releaseHeading.FindStringSubmatch(text)
		if m == nil {
			return "", "", n, text
		}
		return m[1], m[2], n, ""
	}
	return "", "", 0, ""
}

func TestChangelogTopHeadingIsVersion(t *testing.T) {
	data, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	got, _, line, bad := topRelease(string(data))
	switch {
	case bad != "":
		t.Fatalf("CHANGELOG.md:%d: %q is not a release heading; write \"## [%s] - Unreleased\" or \"## [%s] - YYYY-MM-DD\"", line, bad, Version, Version)
	case got == "":
		t.Fatalf("CHANGELOG.md has no release heading; add \"## [%s] - Unreleased\" above the first release", Version)
	case got != Version:
		t.Errorf("CHANGELOG.md:%d is release %s but version.Version is %s; bump them together", line, got, Version)
	}
}

func TestVersionIsSemver(t *testing.T) {
	semver := regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$`)
	if !semver.MatchString(Version) {
		t.Errorf("Version %q is not a semantic version without the v (e.g. 0.1.0, 1.2.0-rc.1)", Version)
	}
}

func TestTopRelease(t *testing.T) {
	tests := []struct {
		name, changelog     string
		version, date, line string
	}{
		{"unreleased first", "# Changelog\n\n## [0.2.0] - Unreleased\n\n## [0.1.0] - 2026-12-01\n", "0.2.0", "Unreleased", ""},
		{"released first", "# Changelog\n## [0.1.0] - 2026-12-01\n", "0.1.0", "2026-12-01", ""},
		{"a stray heading first", "# Changelog\n## Notes\n## [0.1.0] - 2026-12-01\n", "", "", "## Notes"},
		{"a bare [Unreleased]", "## [Unreleased]\n## [0.1.0] - 2026-12-01\n", "", "", "## [Unreleased]"},
		{"no heading", "# Changelog\n", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			version, date, _, bad := topRelease(tc.changelog)
			if version != tc.version || date != tc.date || bad != tc.line {
				t.Errorf("topRelease = %q, %q, bad %q; want %q, %q, bad %q", version, date, bad, tc.version, tc.date, tc.line)
			}
		})
	}
}
