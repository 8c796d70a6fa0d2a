// Package console is the web console of `sfnkit serve`: the state
// machines, their executions drawn on the workflow's graph with each state
// coloured by what it did, the event history, versions, aliases and map
// runs, and the forms that start, stop and redrive executions and answer
// the tasks waiting for a token.
//
// Pages are rendered on the server with html/template, so every name,
// input, output and cause is escaped; the small script and style sheet are
// embedded in the binary and loaded from the console itself (no CDN). The
// console reads the sfnapi server's records through its Go accessors and
// performs every action through Server.Invoke, the same code path as the
// API's POST /. State-changing requests are POSTs that must carry the
// console's CSRF token and come from its own origin.
package console

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// Prefix is where the console is served: `sfnkit serve` mounts it there
// beside the API's POST /.
const Prefix = "/console/"

//go:embed templates/*.html static/*
var files embed.FS

// Options configure a Console.
type Options struct {
	// GraphvizRoot is the repository root whose node_modules holds the
	// pinned Graphviz that `make render` draws with; the console draws
	// each state machine with it. If empty, pages show no diagram (the
	// states are still listed with their outcomes).
	GraphvizRoot string
	// Log receives errors the pages hit. If nil, the standard logger.
	Log *log.Logger
	// Triggers lists what the app's EventBridge rules and schedules did
	// (sfnkit serve's triggers), oldest first; the state machines page
	// shows the latest. If nil, it shows none.
	Triggers func() []Firing
}

// Console serves the console's pages under Prefix. Create one with New.
type Console struct {
	api      *sfnapi.Server
	diagrams *diagrams
	pages    *template.Template
	static   http.Handler
	csrf     string
	log      *log.Logger
	triggers func() []Firing
}

// New makes a console over api.
func New(api *sfnapi.Server, opts Options) *Console {
	token := make([]byte, 32)
	rand.Read(token)
	if opts.Log == nil {
		opts.Log = log.Default()
	}
	static, _ := fs.Sub(files, "static")
	return &Console{
		api: api, diagrams: &diagrams{root: opts.GraphvizRoot},
		pages:  template.Must(template.New("").Funcs(funcs).ParseFS(files, "templates/*.html")),
		static: http.StripPrefix(Prefix+"static/", http.FileServerFS(static)),
		csrf:   hex.EncodeToString(token), log: opts.Log, triggers: opts.Triggers,
	}
}

// ServeHTTP implements http.Handler for the paths under Prefix.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin") // no-referrer would make the browser send Origin: null with the console's own forms
	path := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(Prefix, "/"))
	if strings.HasPrefix(path, "/static/") {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			c.fail(w, r, http.StatusMethodNotAllowed, "the console's files are read with GET")
			return
		}
		c.static.ServeHTTP(w, r)
		return
	}
	if r.Method == http.MethodPost {
		if reason := c.refuse(r); reason != "" {
			c.fail(w, r, http.StatusForbidden, reason)
			return
		}
		c.act(w, r, path)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		c.fail(w, r, http.StatusMethodNotAllowed, "the console answers GET, and POST for its forms")
		return
	}
	switch path {
	case "", "/":
		c.machinesPage(w, r)
	case "/machine":
		c.machinePage(w, r)
	case "/execution":
		c.executionPage(w, r)
	case "/maprun":
		c.mapRunPage(w, r)
	default:
		c.fail(w, r, http.StatusNotFound, "no console page at "+r.URL.Path)
	}
}

// Mount puts the console beside the API on one handler, as `sfnkit
// serve` listens: the pages under Prefix, a browser's GET / sent there,
// and every other request (the API's POST /) to api. A Host check
// (sfnapi.CheckHost) goes around all of it.
func (c *Console) Mount(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, Prefix):
			c.ServeHTTP(w, r)
		case r.URL.Path == strings.TrimSuffix(Prefix, "/"):
			http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.Header.Get("X-Amz-Target") == "":
			http.Redirect(w, r, Prefix, http.StatusFound)
		default:
			api.ServeHTTP(w, r)
		}
	})
}

// refuse says why a POST must not change anything, or "" if it may: it
// must come from the console's own origin (Sec-Fetch-Site or Origin, when
// the browser sends them) and carry the CSRF token the console put in its
// forms.
func (c *Console) refuse(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return "refused: the form was sent from another site (Sec-Fetch-Site: " + site + "); use the console's own pages"
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host {
			return "refused: the form was sent from " + origin + ", not from the console at " + r.Host + "; use the console's own pages"
		}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, sfnapi.MaxRequestBytes)
	if err := r.ParseForm(); err != nil {
		return "refused: the form cannot be read: " + err.Error()
	}
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(c.csrf)) != 1 {
		return "refused: the form has no valid CSRF token; reload the console's page and send it again"
	}
	return ""
}

// page renders the template name with data into the layout.
func (c *Console) page(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	data["CSRF"] = c.csrf
	data["Prefix"] = Prefix
	var b bytes.Buffer
	if err := c.pages.ExecuteTemplate(&b, name, data); err != nil {
		c.log.Printf("console: rendering %s: %v", name, err)
		http.Error(w, "the console could not render this page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
}

// fail answers an error page.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, message string) {
	c.page(w, r, status, "error.html", map[string]any{"Title": http.StatusText(status), "Status": status, "Message": message})
}

// apiFail answers an error of an API operation with its AWS code: a
// missing resource is 404, anything else the client sent 400.
func (c *Console) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	code, message, ok := sfnapi.ErrorCode(err)
	var own *consoleError
	if errors.As(err, &own) {
		code, message, ok = own.code, own.message, true
	}
	if !ok {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	status := http.StatusBadRequest
	if strings.HasSuffix(code, "DoesNotExist") || code == "ResourceNotFound" {
		status = http.StatusNotFound
	}
	c.fail(w, r, status, code+": "+message)
}
