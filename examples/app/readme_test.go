package app_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// quoted finds the README's code blocks that say where they come from:
// a line <!-- from examples/PATH --> right before a fenced block.
var quoted = regexp.MustCompile("(?s)<!-- from examples/([^ ]+) -->\n```go\n(.*?)\n```")

// TestTheREADMEQuotesTheExamplesWordForWord keeps the README's library
// code compiling: every block it quotes from examples/ must stand in that
// file, line for line.
func TestTheREADMEQuotesTheExamplesWordForWord(t *testing.T) {
	// TestMain runs the tests from the examples module's root.
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := quoted.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 3 {
		t.Fatalf("the README quotes %d blocks from examples/, want its main, the order workflow and the building blocks", len(blocks))
	}
	for _, b := range blocks {
		source, err := os.ReadFile(filepath.FromSlash(b[1]))
		if err != nil {
			t.Errorf("the README quotes examples/%s: %v", b[1], err)
			continue
		}
		if !strings.Contains(string(source), b[2]) {
			t.Errorf("the README's block from examples/%s is not in that file word for word; copy it again:\n%s", b[1], b[2])
		}
	}
}
