package apigw

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Identity is a caller API Gateway authenticated, as a mapping template
// ($context.identity.*) and a Lambda proxy event see it.
type Identity struct {
	// AccessKey is the access key id the request was signed with.
	AccessKey string `json:"-"`
	// SecretAccessKey checks the signature.
	SecretAccessKey string `json:"secretAccessKey"`
	// UserArn is the caller's IAM ARN ($context.identity.userArn).
	UserArn string `json:"userArn"`
	// Caller and User are the caller's principal id. If empty, the access
	// key id.
	Caller string `json:"caller,omitempty"`
	User   string `json:"user,omitempty"`
}

// AccountID is the account of UserArn.
func (id Identity) AccountID() string {
	parts := strings.Split(id.UserArn, ":")
	if len(parts) > 4 {
		return parts[4]
	}
	return ""
}

// Credentials map access key ids to the identities they sign as.
type Credentials map[string]Identity

// DefaultCredentials are used when no credentials file is given: the
// access key "local" with the secret "local" signs as
// arn:aws:iam::123456789012:user/local.
var DefaultCredentials = Credentials{"local": {SecretAccessKey: "local", UserArn: "arn:aws:iam::123456789012:user/local"}}

// ReadCredentials reads a credentials file: a JSON object mapping each
// access key id to {"secretAccessKey", "userArn", and optionally "caller"
// and "user"}:
//
//	{"local":    {"secretAccessKey": "local", "userArn": "arn:aws:iam::123456789012:user/local"},
//	 "APPROVER": {"secretAccessKey": "s3cret", "userArn": "arn:aws:iam::123456789012:user/approver"}}
func ReadCredentials(path string) (Credentials, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Credentials
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: not a credentials file (a JSON object of access key id to {\"secretAccessKey\", \"userArn\"}): %w", path, err)
	}
	for key, id := range c {
		if id.SecretAccessKey == "" || !strings.HasPrefix(id.UserArn, "arn:") {
			return nil, fmt.Errorf("%s: access key %s needs a secretAccessKey and a userArn (arn:aws:iam::ACCOUNT:user/NAME)", path, key)
		}
	}
	return c, nil
}

// authError is an IAM authorization refusal, with API Gateway's message.
type authError struct {
	errorType, message string
}

var (
	errMissingToken = &authError{"MissingAuthenticationTokenException", "Missing Authentication Token"}
	errBadKey       = &authError{"UnrecognizedClientException", "The security token included in the request is invalid."}
	errSignature    = &authError{"InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
)

// verify checks a request's SigV4 signature (Authorization header) against
// the credentials and returns the caller. body is the request's body,
// already read.
func (c Credentials) verify(r *http.Request, body []byte, now time.Time) (Identity, *authError) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return Identity{}, errMissingToken
	}
	fields := map[string]string{}
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return Identity{}, &authError{"IncompleteSignatureException", "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=" + auth}
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || fields["Signature"] == "" || fields["SignedHeaders"] == "" {
		return Identity{}, &authError{"IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."}
	}
	id, ok := c[scope[0]]
	if !ok {
		return Identity{}, errBadKey
	}
	id.AccessKey = scope[0]
	if id.Caller == "" {
		id.Caller = scope[0]
	}
	if id.User == "" {
		id.User = scope[0]
	}
	date := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse("20060102T150405Z", date)
	if err != nil {
		return Identity{}, &authError{"IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."}
	}
	if d := now.Sub(signedAt); d > 5*time.Minute || d < -5*time.Minute {
		return Identity{}, &authError{"InvalidSignatureException", "Signature expired: " + date + " is now earlier than " + now.Add(-5*time.Minute).UTC().Format("20060102T150405Z")}
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	var headers strings.Builder
	for _, h := range signed {
		v := strings.Join(r.Header.Values(h), ",")
		switch {
		case h == "host":
			v = r.Host
		case h == "content-length" && v == "" && r.ContentLength >= 0:
			v = strconv.FormatInt(r.ContentLength, 10) // Go keeps it out of Header
		}
		headers.WriteString(h + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	canonical := strings.Join([]string{r.Method, escapePath(r.URL.Path), canonicalQuery(r.URL.Query()), headers.String(), fields["SignedHeaders"], payload}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + strings.Join(scope[1:], "/") + "\n" + hex.EncodeToString(sum[:])
	key := []byte("AWS4" + id.SecretAccessKey)
	for _, s := range scope[1:] {
		key = hmacSHA256(key, s)
	}
	if !hmac.Equal([]byte(hex.EncodeToString(hmacSHA256(key, toSign))), []byte(fields["Signature"])) {
		return Identity{}, errSignature
	}
	return id, nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	_, _ = io.WriteString(h, data)
	return h.Sum(nil)
}

// escapePath URI-encodes each segment of a path as SigV4 does.
func escapePath(p string) string {
	if p == "" {
		return "/"
	}
	segments := strings.Split(p, "/")
	for i, s := range segments {
		segments[i] = uriEncode(s)
	}
	return strings.Join(segments, "/")
}

func canonicalQuery(q url.Values) string {
	var parts []string
	for k, vs := range q {
		for _, v := range vs {
			parts = append(parts, uriEncode(k)+"="+uriEncode(v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

// uriEncode encodes everything but SigV4's unreserved characters.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
