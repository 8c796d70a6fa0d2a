// Package awscli runs the real AWS CLI for tests: version 1, as the
// machine's python3 has it (`python3 -m awscli`), against local endpoints.
//
// Starting the CLI costs about a second (Python, then botocore's models),
// which made tests of a dozen commands slow. A CLI here is one Python
// process that runs each command through the CLI's own driver
// (awscli.clidriver, what the `aws` command calls), with its output
// captured: the same parsing, serialization and error handling as `aws`,
// started once.
package awscli

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
)

//go:embed driver.py
var driver string

// Installed reports whether python3 has the AWS CLI.
func Installed() bool {
	return exec.Command("python3", "-c", "import awscli").Run() == nil
}

// Env is the environment a CLI runs with: local credentials and region,
// no configuration or credentials file of the user's, no pager.
var Env = []string{"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_DEFAULT_REGION=us-east-1",
	"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER="}

// CLI is one running AWS CLI process; Run is safe for concurrent use
// (commands run one at a time).
type CLI struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
}

// Start starts a CLI with Env and extra variables (later ones win).
func Start(extraEnv ...string) (*CLI, error) {
	cmd := exec.Command("python3", "-c", driver)
	cmd.Env = append(append(os.Environ(), Env...), extraEnv...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &CLI{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout)}, nil
}

// Result is what a command printed and its exit status.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Error is a command that exited with a non-zero status; its message is
// what the CLI printed on stderr.
type Error struct{ Result }

func (e *Error) Error() string {
	return fmt.Sprintf("aws exited %d: %s", e.Code, strings.TrimSpace(e.Stderr))
}

// Run runs one command, args as after `aws` ("s3", "cp", ...), and
// returns its output; a non-zero exit is an *Error.
func (c *CLI) Run(args ...string) (Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	line, err := json.Marshal(map[string][]string{"args": args})
	if err != nil {
		return Result{}, err
	}
	if _, err := c.stdin.Write(append(line, '\n')); err != nil {
		return Result{}, fmt.Errorf("aws %s: the CLI process is gone: %w", strings.Join(args, " "), err)
	}
	reply, err := c.stdout.ReadBytes('\n')
	if err != nil {
		return Result{}, fmt.Errorf("aws %s: the CLI process is gone: %w", strings.Join(args, " "), err)
	}
	var r struct {
		Code           int
		Stdout, Stderr string
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		return Result{}, fmt.Errorf("aws %s: unreadable reply %q: %w", strings.Join(args, " "), reply, err)
	}
	res := Result{Code: r.Code, Stdout: r.Stdout, Stderr: r.Stderr}
	if res.Code != 0 {
		return res, &Error{res}
	}
	return res, nil
}

// JSON runs a command whose output is JSON (add "--output", "json" when
// the configuration could choose another format) and decodes it; empty
// output is a nil map.
func (c *CLI) JSON(args ...string) (map[string]any, error) {
	res, err := c.Run(args...)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(res.Stdout) == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(res.Stdout), &m); err != nil {
		return nil, fmt.Errorf("aws %s printed %q: %w", strings.Join(args, " "), res.Stdout, err)
	}
	return m, nil
}

// Close ends the CLI process.
func (c *CLI) Close() error {
	c.stdin.Close()
	return c.cmd.Wait()
}
