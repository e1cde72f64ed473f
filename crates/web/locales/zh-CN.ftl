# 简体中文（默认）。格式：key = value；{name} 为占位符。
app.name = 驿站
app.footer = 驿站 · 健康驿站与防疫指挥运行管理系统
punct.colon = ：

nav.menu = 菜单
nav.home = 首页
nav.stations = 驿站
nav.users = 用户管理
nav.audit = 审计日志
nav.logout = 退出登录

login.title = 登录
login.intro = 请使用分配给您的账号登录。
login.submit = 登录

home.title = 工作台
home.greeting = 您好，{name}。
home.roles = 我的角色与管辖范围
home.stations = 可查看的驿站
home.users = 用户账号

password.title = 修改密码
password.must_change = 首次登录或密码已被重置，请先设置新密码后再使用系统。
password.done = 密码已修改，其他设备上的登录已退出。
password.rules = 至少 10 个字符，可用中文、空格或短语；不能是常见密码，也不能包含用户名。
password.submit = 保存新密码

stations.title = 驿站
stations.new = 新建驿站
stations.edit = 编辑驿站
stations.detail = 驿站详情
stations.empty = 暂无可查看的驿站。
stations.back = 返回驿站列表
stations.all_streets = 全部街道
stations.summary = 共 {count} 个驿站，{beds} 张床位
station.kind.hotel = 酒店式健康驿站
station.kind.centralized = 集中隔离点
station.kind.other = 其他

users.title = 用户管理
users.new = 新建用户
users.edit = 编辑用户
users.grants = 角色与范围
users.one_time_password = 一次性密码（仅显示这一次，请当面告知本人；首次登录须修改）：
users.reset_password = 重置密码

audit.title = 审计日志
audit.intact = 审计链完整：共 {rows} 条记录，逐条校验通过。
audit.broken = 审计链已损坏：第 {seq} 条起无法校验（{reason}）。
audit.at = 时间
audit.actor = 操作人
audit.action = 操作
audit.object = 对象

scope.district = 全区
scope.street = 街道
scope.station = 驿站
scope.enterprise = 企业

role.admin = 系统管理员
role.commander = 指挥部领导
role.station_lead = 驿站专班负责人
role.station_staff = 驿站工作人员
role.medical = 医护人员
role.counsellor = 心理咨询师
role.inspector = 督导检查员
role.enterprise = 企业联络员
role.viewer = 只读查看

field.username = 用户名
field.password = 密码
field.current_password = 当前密码
field.new_password = 新密码
field.repeat_password = 再次输入新密码
field.current = 当前密码
field.new = 新密码
field.repeat = 再次输入新密码
field.display_name = 姓名
field.role = 角色
field.scope = 范围
field.name = 名称
field.street_id = 所属街道
field.address = 地址
field.kind = 类型
field.capacity = 床位容量
field.contact_name = 联系人
field.contact_phone = 联系电话
field.active = 启用

common.yes = 是
common.no = 否
common.edit = 编辑
common.save = 保存
common.cancel = 取消
common.filter = 筛选
common.export_xlsx = 导出 Excel
common.updated_at = 最后更新

error.title = 出错了
error.back_home = 返回首页
error.bad_request = 请求格式不正确：
error.conflict = {field}已存在或与现有记录冲突，请修改后再提交。
error.unauthenticated = 请先登录。
error.forbidden = 您没有权限执行此操作。
error.csrf = 页面已过期或请求来源不可信，请刷新页面后重试。
error.not_found = 找不到该记录，或您无权查看。
error.too_large = 提交的内容过大。
error.throttled = 登录失败次数过多，请 15 分钟后再试。
error.unavailable = 数据库暂时不可用，请稍后重试；已保存的数据不受影响。
error.internal = 系统内部错误，已记录，请稍后重试或联系管理员。
error.login_failed = 用户名或密码错误。
error.password_common = 新密码过于常见，请换一个更难猜的密码。
error.password_has_username = 新密码不能包含用户名。
error.password_change_required = 请先修改初始密码。
error.current_password_wrong = 当前密码不正确。
error.passwords_differ = 两次输入的新密码不一致。
error.password_unchanged = 新密码不能与当前密码相同。
error.scope_not_for_role = 该角色不能使用所选范围（例如驿站角色须选择具体驿站）。
error.role_required = 请至少为用户选择一个角色。
error.cannot_demote_self = 不能停用自己的账号或取消自己的管理员角色。
