package cdkapp

import (
	"errors"
	"runtime"
	"strings"
)

// Message is the one-line report of a value recovered from a panic while
// an app is built or synthesized: the error's message with its lines
// joined, ready for "synth failed: <message>". ok is false when the value
// is not an error, or is a runtime error (nil dereference, index out of
// range): those are bugs, whose goroutine dump says where they are.
func Message(recovered any) (msg string, ok bool) {
	err, isErr := recovered.(error)
	if !isErr || err == nil {
		return "", false
	}
	var bug runtime.Error
	if errors.As(err, &bug) {
		return "", false
	}
	return oneLine(err.Error()), true
}

// oneLine joins the non-blank lines of s, trimmed: after a line that ends
// in ':' (a heading such as CDK's "Validation failed with the following
// errors:") with a space, otherwise with "; ".
func oneLine(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}
