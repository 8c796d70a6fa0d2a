package sfnapi

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestDefaultLimitsBoundEveryConnection: each limit is set, and a call may
// last a long poll of 60 seconds.
func TestDefaultLimitsBoundEveryConnection(t *testing.T) {
	l := DefaultLimits
	if l.ReadHeaderTimeout <= 0 || l.ReadTimeout <= 0 || l.IdleTimeout <= 0 || l.MaxHeaderBytes <= 0 || l.MaxHeaderBytes > 1<<20 {
		t.Errorf("DefaultLimits leave a connection unbounded: %+v", l)
	}
	if l.WriteTimeout < 75*time.Second || l.SyncWriteTimeout < 5*time.Minute {
		t.Errorf("DefaultLimits cut off a 60 s long poll or a 5 min Express execution: %+v", l)
	}
	srv := NewHTTPServer(New(Options{}), l)
	if srv.ReadTimeout != l.ReadTimeout || srv.WriteTimeout != l.WriteTimeout || srv.IdleTimeout != l.IdleTimeout || srv.MaxHeaderBytes != l.MaxHeaderBytes {
		t.Errorf("NewHTTPServer did not apply %+v", l)
	}
}

// TestSlowBodyIsCutOff dribbles a request body over a real loopback
// connection, one byte per tick: the server cuts the connection off at
// ReadTimeout instead of waiting for the whole body.
func TestSlowBodyIsCutOff(t *testing.T) {
	limits := Limits{ReadHeaderTimeout: time.Second, ReadTimeout: 200 * time.Millisecond, WriteTimeout: time.Second, IdleTimeout: time.Second, MaxHeaderBytes: 8 << 10}
	srv := NewHTTPServer(New(Options{}), limits)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second)) // the test's own bound

	body := "{" + strings.Repeat(" ", 398) + "}" // 400 ticks of 10 ms: 4 s if never cut off
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: %d\r\n\r\n", len(body))
	answer := make(chan string, 1)
	go func() {
		data, _ := io.ReadAll(conn) // until the server closes the connection
		answer <- string(data)
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	sent := 0
	var got string
dribble:
	for sent < len(body) {
		select {
		case got = <-answer:
			break dribble
		case <-tick.C:
			if _, err := conn.Write([]byte{body[sent]}); err != nil {
				break dribble // the server closed the connection
			}
			sent++
		}
	}
	if got == "" {
		got = <-answer
	}
	if sent == len(body) || strings.HasPrefix(got, "HTTP/1.1 200") {
		t.Fatalf("the server took the whole body, %d bytes at one per tick, and answered %.40q; want it cut off after %v", sent, got, limits.ReadTimeout)
	}
	t.Logf("cut off after %d of %d bytes: %.40q", sent, len(body), got)
}

func TestCheckHostAnswersOnlyLoopbackNames(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, c := range []struct {
		host  string
		hosts Hosts
		want  int
	}{
		{"127.0.0.1:8083", Hosts{}, http.StatusOK},
		{"127.8.9.1", Hosts{}, http.StatusOK},
		{"[::1]:8083", Hosts{}, http.StatusOK},
		{"localhost:8083", Hosts{}, http.StatusOK},
		{"LocalHost.", Hosts{}, http.StatusOK},
		{"my-bucket.localhost:8083", Hosts{}, http.StatusOK},
		{"evil.example:8083", Hosts{}, http.StatusForbidden},
		{"localhost.evil.example", Hosts{}, http.StatusForbidden},
		{"127.0.0.1.nip.io:8083", Hosts{}, http.StatusForbidden},
		{"10.0.0.5:8083", Hosts{}, http.StatusForbidden},
		{"[::2]:8083", Hosts{}, http.StatusForbidden},
		{"", Hosts{}, http.StatusBadRequest},
		{"myhost.lan:8083", Hosts{Allow: []string{"MyHost.lan"}}, http.StatusOK},
		{"10.0.0.5:8083", Hosts{Allow: []string{"10.0.0.5"}}, http.StatusOK},
		{"other.lan:8083", Hosts{Allow: []string{"myhost.lan"}}, http.StatusForbidden},
		{"evil.example", Hosts{Any: true}, http.StatusOK},
	} {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Host = c.host
		rec := httptest.NewRecorder()
		CheckHost(ok, c.hosts).ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("Host %q with %+v: %d; want %d", c.host, c.hosts, rec.Code, c.want)
		}
		if rec.Code == http.StatusForbidden && !strings.Contains(rec.Body.String(), "--allow-host") {
			t.Errorf("Host %q: the refusal does not name the fix: %s", c.host, rec.Body.String())
		}
	}
}

// TestRebindingRequestIsRefused sends what a web page reached by DNS
// rebinding sends: a request to the loopback port under its own name.
func TestRebindingRequestIsRefused(t *testing.T) {
	ts := httptest.NewServer(CheckHost(New(Options{}), Hosts{}))
	defer ts.Close()
	post := func(host string) int {
		req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(`{}`))
		req.Host = host
		req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("attacker.example:" + ts.URL[strings.LastIndex(ts.URL, ":")+1:]); got != http.StatusForbidden {
		t.Errorf("a rebound name got %d; want 403", got)
	}
	if got := post(""); got != http.StatusOK { // the client sends the URL's host, 127.0.0.1
		t.Errorf("127.0.0.1 got %d; want 200", got)
	}
}
