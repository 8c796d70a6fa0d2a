// Package insights is the image workflow's GenerateInsights step: it turns
// Rekognition's labels, the moderation verdict, the image's metadata and
// thumbnails, an optional custom model's answer and the user's preferences
// into the record the workflow stores and announces.
package insights

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/thumbnail"
)

// Label is a Rekognition DetectLabels label (the fields used here).
type Label struct {
	Name       string  `json:"Name"`
	Confidence float64 `json:"Confidence"`
	Categories []struct {
		Name string `json:"Name"`
	} `json:"Categories"`
	Parents []struct {
		Name string `json:"Name"`
	} `json:"Parents"`
	Instances []json.RawMessage `json:"Instances"`
}

// ModerationLabel is a Rekognition DetectModerationLabels label.
type ModerationLabel struct {
	Name       string  `json:"Name"`
	ParentName string  `json:"ParentName"`
	Confidence float64 `json:"Confidence"`
}

// Input is the GenerateInsights event the workflow assembles.
type Input struct {
	Image      imagemeta.Image       `json:"image"`
	Labels     []Label               `json:"labels"`
	Moderation []ModerationLabel     `json:"moderation"`
	Thumbnails []thumbnail.Thumbnail `json:"thumbnails"`
	// Custom is the custom model's answer, when the workflow has one.
	Custom json.RawMessage `json:"custom,omitempty"`
	// Preferences is the DynamoDB GetItem output for the user: {"Item":
	// {...}} in DynamoDB's JSON, or {} for a user without preferences.
	Preferences struct {
		Item map[string]map[string]json.RawMessage `json:"Item"`
	} `json:"preferences"`
}

// Insight is the record the workflow stores and announces.
type Insight struct {
	ImageKey   string  `json:"imageKey"`
	ETag       string  `json:"etag"`
	UserID     string  `json:"userId"`
	Format     string  `json:"format"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	Megapixels float64 `json:"megapixels"`
	// Width, Height and Orientation are as the picture is displayed, after
	// its EXIF orientation; ExifOrientation is the raw tag (1 to 8).
	Orientation     string                `json:"orientation"` // landscape, portrait or square
	ExifOrientation imagemeta.Orientation `json:"exifOrientation"`
	AspectRatio     string                `json:"aspectRatio"` // reduced, e.g. "4:3"

	// Labels are the confident labels, most confident first, at most 10.
	Labels []ScoredLabel `json:"labels"`
	// Categories are the labels' categories, most frequent first.
	Categories []string `json:"categories"`
	// Tags are lower-case slugs of the labels, for search.
	Tags []string `json:"tags"`
	// People counts the person instances Rekognition located.
	People int `json:"people"`
	// Caption summarizes the picture from its top labels.
	Caption string `json:"caption"`
	// MatchedInterests are the user's interests the picture shows;
	// Highlight is set when there is at least one.
	MatchedInterests []string `json:"matchedInterests"`
	Highlight        bool     `json:"highlight"`

	Moderation  ModerationSummary     `json:"moderation"`
	Thumbnails  []thumbnail.Thumbnail `json:"thumbnails"`
	CustomModel json.RawMessage       `json:"customModel,omitempty"`
}

// ScoredLabel is a label with its confidence (percent, one decimal).
type ScoredLabel struct {
	Name       string  `json:"name"`
	Confidence float64 `json:"confidence"`
}

// ModerationSummary records what moderation saw in a picture it let through.
type ModerationSummary struct {
	Reviewed      bool     `json:"reviewed"`
	Labels        []string `json:"labels"`
	MaxConfidence float64  `json:"maxConfidence"`
}

// InvalidInsightInput is an event the step cannot act on.
type InvalidInsightInput struct{ Reason string }

func (e *InvalidInsightInput) Error() string { return "invalid insight input: " + e.Reason }

// Limits of the input: Rekognition returns at most 1000 labels.
const (
	maxLabels        = 1000
	maxNameBytes     = 256
	topLabels        = 10
	defaultMinConfid = 70.0
)

// Generator is the GenerateInsights Lambda. It needs no environment and
// calls nothing: the preferences arrive in its input. Its zero value is
// ready.
type Generator struct{}

// New builds the GenerateInsights function's handler, as every handler
// package's New does; it takes nothing because the handler needs nothing.
func New() *Generator { return &Generator{} }

// Handle builds the insight record.
func (Generator) Handle(_ context.Context, in Input) (Insight, error) {
	if err := validate(in); err != nil {
		return Insight{}, err
	}
	prefs := readPreferences(in.Preferences.Item)
	img := in.Image
	out := Insight{
		ImageKey: img.Key, ETag: img.ETag, UserID: img.UserID, Format: img.Format,
		Width: img.Width, Height: img.Height,
		Megapixels:      math.Round(float64(img.Pixels())/1e5) / 10,
		Orientation:     orientation(img.Width, img.Height),
		ExifOrientation: img.Orientation,
		AspectRatio:     aspectRatio(img.Width, img.Height),
		Thumbnails:      in.Thumbnails,
		CustomModel:     in.Custom,
		Moderation:      ModerationSummary{Reviewed: true, Labels: []string{}},
	}

	labels := append([]Label(nil), in.Labels...)
	sort.SliceStable(labels, func(i, j int) bool { return labels[i].Confidence > labels[j].Confidence })
	categoryCount := map[string]int{}
	tags := map[string]bool{}
	for _, l := range labels {
		if l.Confidence < prefs.minConfidence {
			continue
		}
		if len(out.Labels) < topLabels {
			out.Labels = append(out.Labels, ScoredLabel{Name: l.Name, Confidence: math.Round(l.Confidence*10) / 10})
		}
		for _, c := range l.Categories {
			categoryCount[c.Name]++
		}
		tags[slug(l.Name)] = true
		if l.Name == "Person" {
			out.People = len(l.Instances)
		}
	}
	out.Categories = byCount(categoryCount)
	out.Tags = sortedKeys(tags)
	out.Caption = caption(out.Labels)
	out.MatchedInterests = matchInterests(prefs.interests, labels, prefs.minConfidence)
	out.Highlight = len(out.MatchedInterests) > 0
	for _, m := range in.Moderation {
		out.Moderation.Labels = append(out.Moderation.Labels, m.Name)
		out.Moderation.MaxConfidence = math.Max(out.Moderation.MaxConfidence, math.Round(m.Confidence*10)/10)
	}
	if out.Labels == nil {
		out.Labels = []ScoredLabel{}
	}
	return out, nil
}

func validate(in Input) error {
	if in.Image.Key == "" || in.Image.UserID == "" || in.Image.Width <= 0 || in.Image.Height <= 0 {
		return &InvalidInsightInput{Reason: "image must carry key, userId and positive dimensions (the ExtractMetadata output)"}
	}
	if len(in.Labels) > maxLabels || len(in.Moderation) > maxLabels {
		return &InvalidInsightInput{Reason: fmt.Sprintf("at most %d labels are accepted", maxLabels)}
	}
	for _, l := range in.Labels {
		if l.Name == "" || len(l.Name) > maxNameBytes || l.Confidence < 0 || l.Confidence > 100 || math.IsNaN(l.Confidence) {
			return &InvalidInsightInput{Reason: fmt.Sprintf("label %.40q with confidence %v is not a Rekognition label", l.Name, l.Confidence)}
		}
	}
	for _, m := range in.Moderation {
		if m.Confidence < 0 || m.Confidence > 100 || len(m.Name) > maxNameBytes {
			return &InvalidInsightInput{Reason: fmt.Sprintf("moderation label %.40q is not a Rekognition label", m.Name)}
		}
	}
	return nil
}

type preferences struct {
	interests     []string
	minConfidence float64
}

// readPreferences reads the user's preferences item, in DynamoDB's JSON:
// interests (a string set or list of strings) and minConfidence (a number,
// percent). Missing or malformed attributes fall back to the defaults.
func readPreferences(item map[string]map[string]json.RawMessage) preferences {
	p := preferences{minConfidence: defaultMinConfid}
	if v, ok := item["minConfidence"]["N"]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 0 && n <= 100 {
				p.minConfidence = n
			}
		}
	}
	interests := item["interests"]
	if v, ok := interests["SS"]; ok {
		_ = json.Unmarshal(v, &p.interests)
	} else if v, ok := interests["L"]; ok {
		var list []map[string]string
		if json.Unmarshal(v, &list) == nil {
			for _, e := range list {
				if s := e["S"]; s != "" {
					p.interests = append(p.interests, s)
				}
			}
		}
	}
	if len(p.interests) > 100 {
		p.interests = p.interests[:100]
	}
	return p
}

func orientation(w, h int) string {
	switch {
	case w > h:
		return "landscape"
	case h > w:
		return "portrait"
	}
	return "square"
}

func aspectRatio(w, h int) string {
	a, b := w, h
	for b != 0 {
		a, b = b, a%b
	}
	return fmt.Sprintf("%d:%d", w/a, h/a)
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// singular folds simple English plurals, so "dogs" matches "Dog".
func singular(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasSuffix(s, "ies") && len(s) > 4:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss") && len(s) > 3:
		return s[:len(s)-1]
	}
	return s
}

// matchInterests returns the interests that name a confident label or one
// of its parents or categories, in the user's order.
func matchInterests(interests []string, labels []Label, minConfidence float64) []string {
	seen := map[string]bool{}
	for _, l := range labels {
		if l.Confidence < minConfidence {
			continue
		}
		seen[singular(l.Name)] = true
		for _, p := range l.Parents {
			seen[singular(p.Name)] = true
		}
		for _, c := range l.Categories {
			seen[singular(c.Name)] = true
		}
	}
	out := []string{}
	for _, interest := range interests {
		if seen[singular(interest)] {
			out = append(out, interest)
		}
	}
	return out
}

func caption(labels []ScoredLabel) string {
	var names []string
	for _, l := range labels {
		if len(names) == 3 {
			break
		}
		names = append(names, l.Name)
	}
	switch len(names) {
	case 0:
		return "A picture"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func byCount(counts map[string]int) []string {
	out := make([]string, 0, len(counts))
	for k := range counts {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if counts[out[i]] != counts[out[j]] {
			return counts[out[i]] > counts[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
