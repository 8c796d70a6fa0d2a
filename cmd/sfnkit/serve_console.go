package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/console"
	"github.com/sfnkit/sfnkit/local/sfnapi"
	"github.com/sfnkit/sfnkit/local/smoke"
)

// graphvizRoot is the repository whose pinned Graphviz draws the
// console's diagrams: the working directory, or the directory holding
// the assembly, whichever has node_modules/@hpcc-js/wasm-graphviz and
// the render script; "" if neither (the console then lists states without
// a picture).
func graphvizRoot(assembly string) string {
	candidates := []string{"."}
	if assembly != "" {
		candidates = append(candidates, filepath.Dir(filepath.Clean(assembly)))
	}
	for _, dir := range candidates {
		abs, err := filepath.Abs(dir)
		if err != nil {
			continue
		}
		_, errGraphviz := os.Stat(filepath.Join(abs, "node_modules", "@hpcc-js", "wasm-graphviz"))
		_, errScript := os.Stat(filepath.Join(abs, "internal", "review", "render", "graphviz.mjs"))
		if errGraphviz == nil && errScript == nil {
			return abs
		}
	}
	return ""
}

// createAll creates every state machine of the assembly through the API's
// own CreateStateMachine, named after its stack as `sfnkit smoke --create`
// names it, and prints each ARN.
func createAll(ctx context.Context, api *sfnapi.Server, asm *cfn.Assembly, stdout io.Writer) error {
	machines, err := smoke.Machines(asm)
	if err != nil {
		return err
	}
	for _, m := range machines {
		var out struct {
			StateMachineArn string `json:"stateMachineArn"`
		}
		req := map[string]any{"name": m.Name, "definition": m.Definition, "type": m.Type, "roleArn": m.RoleArn}
		if err := api.Invoke(ctx, "CreateStateMachine", req, &out); err != nil {
			return fmt.Errorf("creating %s: %w", m.Name, err)
		}
		fmt.Fprintf(stdout, "sfnkit serve: created %s (%s)\n", out.StateMachineArn, m.Type)
	}
	return nil
}

// consoleURL is the console's address on the listener: a wildcard
// listen address is reached as 127.0.0.1.
func consoleURL(addr string) string {
	host := addr
	for _, any := range []string{"0.0.0.0:", "[::]:"} {
		if strings.HasPrefix(addr, any) {
			host = "127.0.0.1:" + strings.TrimPrefix(addr, any)
		}
	}
	return "http://" + host + console.Prefix
}
