package booth

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of floor plans and booth assignments: organisers read them while they lay out a
// fair and give producers their booths.
var (
	msgCodeTaken = apperr.M("booth_code_taken",
		"Mã gian hàng %s đã có trên sơ đồ của hội chợ này.",
		"Booth code %s is already on this fair's floor plan.")
	msgTooManyBooths = apperr.M("booths_too_many",
		"Sơ đồ của một hội chợ có tối đa %d gian hàng (hiện có %d): hãy bớt số gian thêm vào.",
		"A fair's floor plan holds at most %d booths (it has %d): add fewer.")
	msgSomeCodeTaken = apperr.M("booth_codes_taken",
		"Một mã gian hàng đã có trên sơ đồ của hội chợ này.",
		"A booth code is already on this fair's floor plan.")
	msgTaken = apperr.M("booth_taken",
		"Gian hàng này đã được xếp cho đơn vị khác.",
		"This booth is already assigned.")
	msgNotAssigned = apperr.M("booth_not_assigned",
		"Gian hàng %s chưa được xếp cho ai.",
		"Booth %s is not assigned.")
	msgBoothsOrGrid = apperr.M("booths_or_grid",
		"Hãy gửi danh sách gian hàng (booths) hoặc lưới (grid), không gửi cả hai.",
		"Send either booths or grid, not both.")
	msgNothingToAdd = apperr.M("booths_nothing_to_add",
		"hãy gửi danh sách gian hàng (booths) hoặc lưới (grid)",
		"send booths or grid")
	msgPlanOrganisersOnly = apperr.M("booth_plan_organisers_only",
		"Chỉ ban tổ chức của hội chợ mới tải được sơ đồ gian hàng.",
		"Only the fair's organisers can download the booth plan.")
	msgPlanClosed = apperr.M("floor_plan_closed",
		"Hội chợ %s nên sơ đồ gian hàng không thể thay đổi nữa.",
		"The fair is %s: its floor plan is closed.")
	msgBoothHeld = apperr.M("booth_assigned_release_first",
		"Gian hàng %s đã được xếp; hãy giải phóng gian hàng trước khi thay đổi.",
		"Booth %s is assigned; release it before changing it.")
	// MsgChangedMeanwhile refuses an assignment to a booth changed or removed while it was made.
	MsgChangedMeanwhile = apperr.M("booth_changed_meanwhile",
		"Gian hàng %s vừa được sửa hoặc xóa khỏi sơ đồ; hãy xem lại sơ đồ rồi xếp lại.",
		"Booth %s was just changed or removed from the plan; look at the plan again and assign again.")
	msgBeingEdited = apperr.M("booth_being_edited",
		"Gian hàng %s đang được sửa trên sơ đồ; hãy thử lại sau giây lát.",
		"Booth %s is being changed on the plan; try again in a moment.")
	msgBlocked = apperr.M("booth_blocked",
		"Gian hàng %s đang bị khóa, không dùng được.",
		"Booth %s is blocked.")
	msgNotThisFair = apperr.M("booth_application_other_fair",
		"không phải đơn đăng ký tham gia hội chợ này",
		"is not an application to this fair")
	// MsgOverMax refuses a booth beyond the most the fair allows a producer.
	MsgOverMax = apperr.M("booth_application_at_max",
		"Đơn này đã có %d gian hàng; hội chợ cho mỗi chủ thể tối đa %d gian. Hãy thu hồi một gian trước khi xếp gian khác.",
		"This application already holds %d booths; the fair allows a producer at most %d. Release one before assigning another.")
	msgOnlyApproved = apperr.M("booth_needs_approved_application",
		"Chỉ đơn đã được duyệt mới được xếp gian hàng (đơn này %s).",
		"Only approved applications get booths (this one is %s).")
)

// MsgAssignClosed refuses to assign booths of a fair that does not take assignments; the
// parameter is the fair's status (fair.StatusName).
var MsgAssignClosed = apperr.M("booth_assignment_closed",
	"Chỉ xếp được gian hàng từ khi hội chợ được công bố cho đến khi kết thúc (hội chợ %s).",
	"Booths can be assigned only once the fair is published and before it ends (it is %s).")

// Field messages of booths, said after the field's name.
var (
	msgCode = apperr.M("booth_code",
		"phải có từ 1 đến 12 chữ cái, chữ số hoặc dấu gạch ngang, ví dụ A01",
		"must be 1 to 12 letters, digits or dashes, such as A01")
	msgZone = apperr.M("booth_zone",
		"bắt buộc phải có, dài tối đa %d ký tự (ví dụ %s)",
		"is required, at most %d characters (e.g. %s)")
	msgSize = apperr.M("booth_size",
		"chiều rộng và chiều sâu phải từ %d đến %d mét",
		"width and depth must be %d to %d metres")
	msgPosition = apperr.M("booth_position",
		"x và y phải từ %d đến %d mét",
		"x and y must be %d to %d metres")
	msgPrice = apperr.M("booth_price",
		"phải từ %d đến %d tỷ đồng",
		"must be %d to %d billion VND")
	msgPrefix = apperr.M("booth_grid_prefix",
		"phải bắt đầu bằng một chữ cái, dài tối đa %d ký tự (ví dụ A)",
		"must start with a letter, at most %d characters (e.g. A)")
	msgMetres = apperr.M("booth_grid_aisle",
		"phải từ %d đến %d mét",
		"must be %d to %d metres")
	msgNumbersBelow = apperr.M("booth_grid_numbers",
		"số gian hàng phải nhỏ hơn %d",
		"numbers must stay below %d")
	msgTwice = apperr.M("booth_listed_twice",
		"bị liệt kê hai lần",
		"is listed twice")
	msgOutsideHall = apperr.M("booth_outside_hall",
		"gian %s vượt ra ngoài hội trường: mép phải và mép dưới của gian phải nằm trong %d mét tính từ góc trên bên trái",
		"booth %s reaches outside the hall: its right and bottom edges must stay within %d metres of the top-left corner")
	msgOverlap = apperr.M("booth_overlap",
		"gian %s chồng lên gian %s; hãy dời hoặc thu nhỏ một trong hai gian",
		"booth %s overlaps booth %s; move or shrink one of them")
	msgMoreOverlaps = apperr.M("booth_overlap_more",
		"còn %d chỗ chồng lấn khác",
		"and %d more overlaps")
)

// holdStatuses are the statuses an organiser may give a booth.
var holdStatuses = apperr.OrOf(Available, Reserved, Blocked)
