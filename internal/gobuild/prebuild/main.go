// Command prebuild builds the main packages its patterns match for Lambda,
// exactly as gofunction builds them at synth time (same flags, same output
// directories and stamps), so that the synthesis finds them built. `make
// synth` runs it beside `cdk synth`: on a fresh machine the app waits more
// than a minute for the CDK bindings to compile, mostly on one core, and
// the handlers compile on the other meanwhile. It reports nothing: a
// handler that does not build is reported by the synthesis, naming its
// prop.
//
//	prebuild ./lambdas/cmd/...
package main

import (
	"os"
	"os/exec"
	"strings"

	"github.com/sfnkit/sfnkit/internal/gobuild"
)

func main() {
	args := append([]string{"list", "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`}, os.Args[1:]...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		return
	}
	gobuild.Prepare(strings.Fields(string(out)), gobuild.Lambda)
}
