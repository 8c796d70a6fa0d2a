package triggers

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a parsed ScheduleExpression: rate(...), cron(...) or
// at(...), in UTC or a schedule's time zone, as EventBridge and EventBridge
// Scheduler evaluate them.
type Schedule struct {
	expr  string
	loc   *time.Location
	once  time.Time     // at
	every time.Duration // rate
	// cron fields: the allowed values of each.
	minutes, hours, days, months, weekdays, years map[int]bool
	anyDay, anyWeekday                            bool
}

// ParseSchedule reads rate(value unit) (minute(s), hour(s), day(s)) or
// cron(minutes hours day-of-month month day-of-week year) with numbers,
// names (JAN, MON), *, ?, ranges, lists and /steps. A malformed
// expression, or one using L, W or # (which the local scheduler does not
// evaluate), is an error that says what is wrong.
func ParseSchedule(expr string) (*Schedule, error) {
	return ParseScheduleIn(expr, "")
}

// ParseScheduleIn reads an expression of EventBridge Scheduler, in the IANA
// time zone zone (UTC if empty): those ParseSchedule reads, and
// at(yyyy-mm-ddThh:mm:ss), a single firing.
func ParseScheduleIn(expr, zone string) (*Schedule, error) {
	loc := time.UTC
	if zone != "" {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("the time zone %q: %w", zone, err)
		}
	}
	s, err := parseSchedule(expr, loc)
	if err != nil {
		return nil, err
	}
	s.loc = loc
	return s, nil
}

func parseSchedule(expr string, loc *time.Location) (*Schedule, error) {
	if inner, ok := strings.CutPrefix(expr, "at("); ok && strings.HasSuffix(inner, ")") {
		t, err := time.ParseInLocation("2006-01-02T15:04:05", strings.TrimSuffix(inner, ")"), loc)
		if err != nil {
			return nil, fmt.Errorf("%q: at takes a time yyyy-mm-ddThh:mm:ss", expr)
		}
		return &Schedule{expr: expr, once: t}, nil
	}
	if inner, ok := strings.CutPrefix(expr, "rate("); ok && strings.HasSuffix(inner, ")") {
		fields := strings.Fields(strings.TrimSuffix(inner, ")"))
		if len(fields) != 2 {
			return nil, fmt.Errorf("%q: rate takes a value and a unit, such as rate(5 minutes)", expr)
		}
		n, err := strconv.Atoi(fields[0])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: the rate's value must be a positive integer", expr)
		}
		unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}[fields[1]]
		if unit == 0 || (n == 1) != !strings.HasSuffix(fields[1], "s") {
			return nil, fmt.Errorf("%q: the unit must be minute, hour or day for 1 and minutes, hours or days above", expr)
		}
		return &Schedule{expr: expr, every: time.Duration(n) * unit}, nil
	}
	inner, ok := strings.CutPrefix(expr, "cron(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return nil, fmt.Errorf("%q is neither rate(...) nor cron(...)", expr)
	}
	f := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(f) != 6 {
		return nil, fmt.Errorf("%q: cron takes six fields (minutes hours day-of-month month day-of-week year), not %d", expr, len(f))
	}
	s := &Schedule{expr: expr}
	var err error
	fields := []struct {
		dst      *map[int]bool
		text     string
		lo, hi   int
		names    []string
		question *bool
	}{
		{&s.minutes, f[0], 0, 59, nil, nil},
		{&s.hours, f[1], 0, 23, nil, nil},
		{&s.days, f[2], 1, 31, nil, &s.anyDay},
		{&s.months, f[3], 1, 12, []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}, nil},
		{&s.weekdays, f[4], 1, 7, []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, &s.anyWeekday},
		{&s.years, f[5], 1970, 2199, nil, nil},
	}
	for i, fd := range fields {
		if fd.text == "?" {
			if fd.question == nil {
				return nil, fmt.Errorf("%q: ? is allowed only in day-of-month and day-of-week, not field %d", expr, i+1)
			}
			*fd.question = true
			continue
		}
		if *fd.dst, err = cronField(fd.text, fd.lo, fd.hi, fd.names); err != nil {
			return nil, fmt.Errorf("%q: field %d (%s): %w", expr, i+1, fd.text, err)
		}
	}
	if s.anyDay == s.anyWeekday {
		return nil, fmt.Errorf("%q: exactly one of day-of-month and day-of-week must be ?", expr)
	}
	return s, nil
}

func cronField(text string, lo, hi int, names []string) (map[int]bool, error) {
	if strings.ContainsAny(text, "LW#") && !strings.ContainsAny(strings.ToUpper(text), "ABCDEFGHIJKMNOPQRSTUVXYZ") {
		return nil, fmt.Errorf("the L, W and # of EventBridge cron are not evaluated by the local scheduler")
	}
	value := func(s string) (int, error) {
		for i, n := range names {
			if strings.EqualFold(s, n) {
				return lo + i, nil
			}
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
		}
		return n, nil
	}
	out := map[int]bool{}
	for _, part := range strings.Split(text, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			var err error
			if step, err = strconv.Atoi(stepText); err != nil || step < 1 {
				return nil, fmt.Errorf("the step %q is not a positive integer", stepText)
			}
		}
		from, to := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if from, err = value(a); err != nil {
				return nil, err
			}
			if to, err = value(b); err != nil {
				return nil, err
			}
			if to < from {
				return nil, fmt.Errorf("the range %q runs backwards", rng)
			}
		default:
			n, err := value(rng)
			if err != nil {
				return nil, err
			}
			from = n
			if !hasStep {
				to = n
			}
		}
		for v := from; v <= to; v += step {
			out[v] = true
		}
	}
	return out, nil
}

// String returns the expression.
func (s *Schedule) String() string { return s.expr }

// Next returns the first time the schedule fires after t; a rate fires
// every interval counted from start (when the rule was created). The zero
// time means never (a cron whose years have passed).
func (s *Schedule) Next(start, t time.Time) time.Time {
	if !s.once.IsZero() {
		if s.once.After(t) {
			return s.once
		}
		return time.Time{}
	}
	if s.every > 0 {
		if t.Before(start) {
			return start.Add(s.every)
		}
		n := t.Sub(start)/s.every + 1
		return start.Add(n * s.every)
	}
	loc := s.loc
	if loc == nil {
		loc = time.UTC
	}
	c := t.In(loc).Truncate(time.Minute).Add(time.Minute)
	for limit := c.AddDate(5, 0, 0); c.Before(limit); {
		switch {
		case !s.years[c.Year()]:
			c = time.Date(c.Year()+1, 1, 1, 0, 0, 0, 0, loc)
		case !s.months[int(c.Month())]:
			c = time.Date(c.Year(), c.Month()+1, 1, 0, 0, 0, 0, loc)
		case !(s.anyDay || s.days[c.Day()]) || !(s.anyWeekday || s.weekdays[int(c.Weekday())+1]):
			c = time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, loc)
		case !s.hours[c.Hour()]:
			c = time.Date(c.Year(), c.Month(), c.Day(), c.Hour()+1, 0, 0, 0, loc)
		case !s.minutes[c.Minute()]:
			c = c.Add(time.Minute)
		default:
			return c.UTC()
		}
	}
	return time.Time{}
}
