// Package localapp_test runs the whole app as `make up` does, in a
// `sfnkit serve` process of its own over a fresh synthesis, and uses it as
// a person would: the AWS CLI, SigV4-signed API calls, the virtual clock.
package localapp_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/internal/synthtest"
)

var (
	assembly *synthtest.Assembly
	binary   string // the sfnkit CLI, built once
)

func TestMain(m *testing.M) {
	if os.Getenv("SFNKIT_LOCALAPP") != "1" {
		fmt.Println("test/localapp: skipped: it drives the AWS CLI and a served app for a minute; set SFNKIT_LOCALAPP=1 (make localapp, part of make check)")
		os.Exit(0)
	}
	os.Exit(synthtest.MainShared(m, func() (err error) {
		if assembly, err = synthtest.Shared(synthtest.Dev); err != nil {
			return err
		}
		binary = filepath.Join(synthtest.ModuleRoot(), ".build", "sfnkit")
		build := exec.Command("go", "build", "-o", binary, "./cmd/sfnkit")
		build.Dir = synthtest.ModuleRoot()
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building sfnkit: %v\n%s", err, out)
		}
		return nil
	}))
}

// server is a running `sfnkit serve --assembly`.
type server struct {
	edge, sfn string // base URLs
	logs      *syncBuffer
}

var (
	edgeLine = regexp.MustCompile(`API Gateway\) on (http://127\.0\.0\.1:\d+);`)
	apiLine  = regexp.MustCompile(`AWS Step Functions API on (http://127\.0\.0\.1:\d+) `)
)

// serve starts `sfnkit serve --assembly DIR --clock virtual` on free ports
// and returns once it listens; the test's end stops it with SIGINT.
func serve(t *testing.T) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--assembly", assembly.Dir, "--addr", "127.0.0.1:0", "--edge-addr", "127.0.0.1:0", "--clock", "virtual")
	cmd.Dir = synthtest.ModuleRoot()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
		if t.Failed() {
			t.Log("serve's stderr:\n" + logs.String())
		}
	})
	s := &server{logs: logs}
	ready := make(chan error, 1)
	go func() {
		var printed strings.Builder
		scan := bufio.NewScanner(stdout)
		for scan.Scan() {
			line := scan.Text()
			printed.WriteString(line + "\n")
			if m := edgeLine.FindStringSubmatch(line); m != nil {
				s.edge = m[1]
			}
			if m := apiLine.FindStringSubmatch(line); m != nil {
				s.sfn = m[1]
				ready <- nil
				_, _ = io.Copy(io.Discard, stdout)
				return
			}
		}
		ready <- fmt.Errorf("serve stopped before listening; it printed:\n%s", printed.String())
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Minute): // it builds every function first
		t.Fatal("serve did not listen within 5 minutes")
	}
	if s.edge == "" {
		t.Fatal("serve printed no edge URL")
	}
	return s
}

// awsEnv is the environment the AWS CLI runs in: local credentials, no
// config file, and `aws` on PATH even where only `python3 -m awscli` is
// (an `aws` command already on PATH is used as it is).
func awsEnv(t *testing.T) []string {
	t.Helper()
	path := os.Getenv("PATH")
	if exec.Command("python3", "-c", "import awscli").Run() == nil {
		bin := t.TempDir()
		shim := "#!/bin/sh\nexec python3 -m awscli \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(shim), 0o755); err != nil {
			t.Fatal(err)
		}
		path = bin + string(os.PathListSeparator) + path
	} else if _, err := exec.LookPath("aws"); err != nil {
		t.Fatal("no AWS CLI: neither `python3 -m awscli` nor `aws` on PATH (Debian: apt-get install awscli; make localapp installs it); the local app's tests need it")
	}
	return append(os.Environ(), "PATH="+path,
		"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
}

// eventually runs check until it reports nothing, for at most a minute:
// the bound only detects a failure, it is never waited out on success.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
