package sfnapi

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"
)

// Limits bound what one client connection may hold, so that a client
// sending its request a byte at a time, or never closing an idle
// connection, cannot tie up the server.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included: a slow
	// body is cut off when it passes.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the
	// end of its answer. It must outlast the longest call: a long poll
	// (GetActivityTask waits up to 60 seconds in AWS). StartSyncExecution
	// extends its own deadline to SyncWriteTimeout.
	WriteTimeout time.Duration
	// SyncWriteTimeout bounds a StartSyncExecution call, which lasts as
	// long as its Express execution (at most 5 minutes in AWS).
	SyncWriteTimeout time.Duration
	// IdleTimeout closes a kept-alive connection that sends nothing.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers.
	MaxHeaderBytes int
}

// DefaultLimits are the limits of `sfnkit serve`. An SDK's request is a
// few kilobytes of headers and at most MaxRequestBytes of body over
// loopback: each fits easily.
var DefaultLimits = Limits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      90 * time.Second,
	SyncWriteTimeout:  5*time.Minute + 30*time.Second,
	IdleTimeout:       2 * time.Minute,
	MaxHeaderBytes:    64 << 10,
}

// NewHTTPServer serves h with the limits l. Zero fields of l are no limit,
// as in http.Server.
func NewHTTPServer(h http.Handler, l Limits) *http.Server {
	if l.SyncWriteTimeout > 0 {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Amz-Target") == "AWSStepFunctions.StartSyncExecution" {
				// A server that cannot extend the deadline keeps WriteTimeout.
				_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(l.SyncWriteTimeout))
			}
			inner.ServeHTTP(w, r)
		})
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// Hosts says which Host headers a server answers. A web page can make a
// browser send requests to a loopback port under a name of its own (DNS
// rebinding); refusing names that are not loopback keeps it out.
type Hosts struct {
	// Allow lists more host names (or addresses) to answer, without port:
	// the address the server listens on, or a name a proxy forwards.
	Allow []string
	// Any turns the check off.
	Any bool
}

// CheckHost answers only requests whose Host is loopback (localhost, a
// *.localhost name, an address in 127.0.0.0/8 or ::1) or in hosts.Allow,
// with any port; others get 403 and a request without a Host 400, each
// with an AWS-shaped error body that names the fix.
func CheckHost(h http.Handler, hosts Hosts) http.Handler {
	if hosts.Any {
		return h
	}
	allowed := map[string]bool{}
	for _, a := range hosts.Allow {
		allowed[canonicalHost(a)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if name, _, err := net.SplitHostPort(host); err == nil {
			host = name
		}
		host = canonicalHost(host)
		switch {
		case host == "":
			refuse(w, http.StatusBadRequest, "the request has no Host header; send one naming the server, such as 127.0.0.1")
		case loopback(host) || allowed[host]:
			h.ServeHTTP(w, r)
		default:
			refuse(w, http.StatusForbidden, "the Host "+r.Host+" is not a loopback name, so the request may come from a web page by DNS rebinding; "+
				"reach the server as 127.0.0.1 or localhost, or allow the name (sfnkit serve --allow-host NAME)")
		}
	})
}

// canonicalHost lowercases a host name and drops a trailing dot and the
// brackets of an IPv6 address.
func canonicalHost(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}

// loopback reports whether a canonical host name always means this
// machine: RFC 6761 reserves localhost and the names under it.
func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func refuse(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
	w.WriteHeader(status)
	data, _ := json.Marshal(map[string]string{"__type": "AccessDeniedException", "message": message})
	w.Write(data)
}
