package apperr

// msgInvalidFields is the detail of an Invalid error whose field errors say what is wrong.
var msgInvalidFields = M("invalid_fields",
	"Một số trường chưa hợp lệ; xem chi tiết ở từng trường.",
	"Some fields are invalid; see each field for what is wrong.")

// Field messages every service needs, so that the same failure reads and codes the same
// everywhere. They are fragments said after the field's name, in lower case.
var (
	// Required: the field is missing or empty.
	Required = M("required", "bắt buộc phải có", "is required")
	// TooLong: a text over its limit; the parameter is the limit in characters.
	TooLong = M("too_long", "dài tối đa %d ký tự", "must be at most %d characters")
	// LengthBetween: a text out of its bounds; the parameters are the bounds in characters.
	LengthBetween = M("length_between", "phải dài từ %d đến %d ký tự", "must be %d to %d characters")
	// Unreadable: a name without a letter or a digit (marks, symbols or blanks alone).
	Unreadable = M("unreadable", "phải có ít nhất một chữ cái hoặc chữ số", "must have at least one letter or digit")
	// TooMany: a list over its limit; the parameter is the limit.
	TooMany = M("too_many", "có tối đa %d mục", "must have at most %d items")
	// Between: a number out of its range; the parameters are the bounds.
	Between = M("between", "phải là số từ %d đến %d", "must be a number from %d to %d")
	// OneOf: a value outside a fixed set; the parameter is the set, usually an Or.
	OneOf = M("one_of", "phải là %s", "must be %s")
	// NotDate: a date that does not parse; dates are written YYYY-MM-DD.
	NotDate = M("not_date", "phải là ngày theo dạng YYYY-MM-DD", "must be a date written YYYY-MM-DD")
	// NotTime: a time that does not parse; times are RFC 3339.
	NotTime = M("not_time", "phải là thời điểm theo RFC 3339, ví dụ 2026-03-01T08:00:00+07:00",
		"must be a time in RFC 3339, e.g. 2026-03-01T08:00:00+07:00")
	// Unknown: a reference to something that does not exist; the parameter names the kind of thing.
	Unknown = M("unknown_reference", "không trỏ tới %s nào đang có", "does not refer to an existing %s")
)
