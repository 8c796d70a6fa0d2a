package sfnapi

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// quotedHere finds the README's code blocks quoted from this package: a
// line <!-- from local/sfnapi/FILE --> right before a fenced block.
var quotedHere = regexp.MustCompile("(?s)<!-- from local/sfnapi/([^ ]+) -->\n```go\n(.*?)\n```")

// TestTheREADMEQuotesTheActivityWorkerWordForWord keeps the README's
// activity worker the one Example_activityWorker runs.
func TestTheREADMEQuotesTheActivityWorkerWordForWord(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := quotedHere.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("the README quotes no block from local/sfnapi; it should show the activity worker of example_activity_test.go")
	}
	for _, b := range blocks {
		source, err := os.ReadFile(b[1])
		if err != nil {
			t.Errorf("the README quotes local/sfnapi/%s: %v", b[1], err)
			continue
		}
		if !strings.Contains(string(source), b[2]) {
			t.Errorf("the README's block from local/sfnapi/%s is not in that file word for word; copy it again:\n%s", b[1], b[2])
		}
	}
}
