package strictjson

import "testing"

func TestUnmarshalWordsErrorsForThePersonWhoWroteTheJSON(t *testing.T) {
	type inner struct {
		Seconds int `json:"Seconds"`
	}
	type outer struct {
		inner
		Name string `json:"Name"`
	}
	tests := []struct{ in, want string }{
		{`{"Name": "a", "Seconds": 3}`, ""},
		{`{"Name": 1}`, "field Name must be a string, not number"},
		{`{"Seconds": "3"}`, "field Seconds must be a number, not string"},
		{`{"Nmae": "a"}`, `unknown field "Nmae"`},
		{`{"Name": "a"} {}`, "unexpected data after the object"},
		{`{"Name": `, "unexpected EOF"},
	}
	for _, tt := range tests {
		var v outer
		err := Unmarshal([]byte(tt.in), &v, "inner.")
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Unmarshal(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
