## Команды: описания в списке команд Discord и меню Telegram
cmd-help = Что умеет этот бот
cmd-language = Выбрать язык, на котором бот говорит с вами
cmd-language-opt-code = en или ru
cmd-pool = Создать пул этого чата или посмотреть на него
cmd-pool-create = Создать пул для этого сервера или группы (только админы)
cmd-pool-create-opt-name = Название пула
cmd-pool-create-opt-password = С паролем пул будет закрытым (от 8 символов)
cmd-pool-info = Этот пул: владелец, участники, правила
cmd-join = Вступить в пул этого чата
cmd-join-opt-code = Реферальный код, если друг дал его вам
cmd-leave = Выйти из пула этого чата (баланс останется вашим)
cmd-balance = Ваш баланс в этом пуле (видите только вы)
cmd-history = Ваши последние переводы в этом пуле
cmd-invite = Ваша ссылка-приглашение и сколько людей по ней пришло
cmd-machines = Ваши машины и сколько их можно зарегистрировать
cmd-officer = Назначить или снять офицера (владелец)
cmd-officer-add = Сделать участника офицером
cmd-officer-remove = Вернуть офицера в участники
cmd-officer-opt-member = Участник
cmd-link = Связать аккаунты Discord и Telegram
cmd-link-opt-code = Код, показанный на другой платформе

## Ответы
help =
    Power Realms объединяет компьютеры этого сообщества.
    /pool create — создать пул для этого чата (админы)
    /pool info — пул, его владелец и правила
    /join, /leave — вступить в пул или выйти из него
    /balance, /history — ваши деньги здесь (видите только вы)
    /invite — ваша ссылка-приглашение
    /machines — ваши машины и лимит
    /officer add|remove — офицеры (владелец)
    /link — один аккаунт для Discord и Telegram
    /language — английский или русский
    /web — кошелёк, рынок и GameBoost в браузере
language-set = Теперь я говорю с вами по-русски.
language-unknown = Я говорю по-английски (en) и по-русски (ru).
balance =
    Баланс в { $pool }: доступно { $available } { $currency }.
    { $pending ->
        [0] Ничего не удержано.
       *[other] Удержано под открытые сделки: { $held } { $currency }.
    }
history-empty = В { $pool } у вас пока нет переводов.
history-title = Ваши последние переводы в { $pool }:
history-line = { $when } · { $direction ->
        [in] +{ $amount }
       *[out] −{ $amount }
    } { $currency } · { $code }
pool-created = Пул «{ $name }» готов и привязан к этому чату. Участники вступают командой /join.
pool-info =
    { $name } ({ $type ->
        [private] закрытый
        [premium] премиум
       *[public] открытый
    }) · владелец { $owner }
    { $members ->
        [one] { $members } участник
        [few] { $members } участника
       *[many] { $members } участников
    }{ $rules ->
        [none] {""}
       *[other] {"\u000A"}Правила: { $rules }
    }
pool-not-bound = У этого чата пока нет пула. Админы могут создать его командой /pool create.
pool-admins-only = Создать или привязать пул могут только админы этого чата.
group-only = Используйте эту команду в сервере или группе пула.
join-ok = Добро пожаловать в { $pool }! Баланс и машины — в /balance и /machines.
join-rejoined = С возвращением в { $pool }. Ваш баланс сохранён.
join-password-dm = Это закрытый пул. Я написал вам в личные сообщения: пароль отправьте туда, никогда не в группу.
join-password-ask = Отправьте мне пароль пула { $pool } следующим сообщением здесь.
join-password-deleted = Я удалил сообщение, похожее на пароль. Пароли отправляйте только мне в личные сообщения.
leave-ok = Вы вышли из { $pool }. Баланс остаётся вашим; /join вернёт вас.
invite =
    Ваша ссылка-приглашение: { $link }
    { $joined ->
        [one] По ней пришёл { $joined } человек
        [few] По ней пришли { $joined } человека
       *[many] По ней пришли { $joined } человек
    }, активны { $active }. Каждые 5 активных участников дают ещё одно место для машины.
machines =
    { $used ->
        [one] У вас { $used } машина
        [few] У вас { $used } машины
       *[many] У вас { $used } машин
    } из { $limit } разрешённых (база { $base }, за приглашения { $bonus }, куплено { $bought }).
machines-line = { $online } { $name } — { $cpu }{ $gpu ->
        [none] {""}
       *[other] , { $gpu }
    }, { $ram } ГБ
machines-add = Чтобы добавить машину: /machines add-code, затем выполните на ней команду, которую он даст.
officer-added = { $member } теперь офицер.
officer-removed = { $member } снова участник.
officer-unknown-member = Я не знаю этого участника. Упомяните его или укажите его id.
link-code = Ваш код связи: { $code }. В течение 10 минут отправьте мне «/link { $code }» в { $other }.
link-ok = Готово: Discord и Telegram теперь один аккаунт.
link-same = Этот аккаунт и так тот, для которого сделан код.
confirm-prompt = Перевести { $amount } { $currency }? Нажмите «Подтвердить» в течение 2 минут.
confirm-yes = Подтвердить
confirm-no = Отмена
confirm-cancelled = Отменено. Ничего не переведено.
button-already-done = Это уже сделано; ничего не изменилось.
button-not-allowed = Эта кнопка не для вас.
usage = Как использовать: { $usage }
amount-invalid = «{ $input }» — не сумма. Пишите так: 10 или 10,5.
internal-error = У нас что-то пошло не так. Ошибка записана; попробуйте ещё раз.

## Ошибки (core/errors.ts)
error-INVALID_AMOUNT = Неверная сумма: она должна быть положительной и иметь не больше 6 знаков после запятой.
error-ACCOUNT_NOT_FOUND = Такого счёта нет.
error-SAME_ACCOUNT = Нельзя платить самому себе.
error-CURRENCY_MISMATCH = У этих счетов разные валюты.
error-POOL_MISMATCH = Этот счёт принадлежит другому пулу.
error-INSUFFICIENT_FUNDS = Доступного баланса на это не хватает.
error-AMOUNT_OVERFLOW = Слишком большая сумма.
error-INVALID_TIMEOUT = Удержание длится от 1 секунды до 1 года.
error-HOLD_NOT_FOUND = Не могу найти это удержание.
error-HOLD_ALREADY_POSTED = Это удержание уже выплачено.
error-HOLD_ALREADY_VOIDED = Это удержание уже отменено.
error-HOLD_EXPIRED = Срок удержания истёк; деньги вернулись.
error-HOLD_NOT_YET_EXPIRED = Срок удержания ещё не истёк.
error-HOLD_AMOUNT_EXCEEDED = Это больше, чем удержано.
error-IDEMPOTENCY_KEY_REUSED = Этот запрос уже использовали для другого действия.
error-INVALID_CHAIN = Эти переводы нельзя провести вместе.
error-POOL_NOT_FOUND = Не могу найти этот пул.
error-USER_NOT_FOUND = Не могу найти этого человека.
error-UNAUTHENTICATED = Я пока не знаю, кто вы.
error-INSUFFICIENT_SCOPE = Ваш доступ этого не позволяет.
error-RATE_LIMITED = Слишком много попыток. Попробуйте снова через { $retryAfterSeconds } с.
error-IDEMPOTENCY_KEY_REQUIRED = Этому запросу нужен уникальный ключ.
error-IDEMPOTENCY_REQUEST_IN_PROGRESS = Такой же запрос ещё выполняется; подождите немного.
error-NOT_GLOBAL_ADMIN = Это может только администратор платформы.
error-NOT_A_MEMBER = Вы не участник этого пула. Вступите командой /join.
error-NOT_AN_OFFICER = Это могут только офицеры и владелец.
error-NOT_POOL_OWNER = Это может только владелец пула.
error-MEMBER_SUSPENDED = Ваше участие в пуле приостановлено: смотреть можно, действовать нельзя.
error-MEMBER_BANNED = Вы заблокированы в этом пуле.
error-ALREADY_A_MEMBER = Вы уже участник этого пула.
error-MEMBER_NOT_FOUND = Этот человек не участник пула.
error-ROLE_CHANGE_NOT_ALLOWED = Для роли этого человека такое изменение невозможно.
error-OWNER_CANNOT_LEAVE = Владельцу нужно передать пул кому-то, прежде чем выйти.
error-POOL_SUSPENDED = Пул приостановлен платформой: смотреть можно, действовать нельзя.
error-WRONG_POOL_PASSWORD = Неверный пароль.
error-CHAT_ALREADY_BOUND = Этот чат уже привязан к другому пулу.
error-REFERRAL_CODE_INVALID = Этот реферальный код здесь не действует.
error-LINK_CODE_INVALID = Код связи неверный или устарел. Создайте новый командой /link.
error-IDENTITY_ALREADY_LINKED = У обоих аккаунтов уже есть свои пулы или деньги, поэтому их нельзя объединить.
error-MACHINE_LIMIT_REACHED = Достигнут лимит машин ({ $limit }). Пригласите друзей или купите места.
error-MACHINE_ALREADY_REGISTERED = Эта машина уже зарегистрирована в пуле.
error-MACHINE_NAME_TAKEN = У вас уже есть машина с таким названием.
error-MACHINE_NOT_FOUND = Не могу найти эту машину.
error-SLOTS_NOT_FOR_SALE = Этот пул не продаёт места для машин.
error-NOT_HOLD_PARTY = Это удержание между другими людьми.
error-OFFER_NOT_FOUND = Не могу найти это предложение.
error-OFFER_NOT_AVAILABLE = Это предложение больше недоступно.
error-OWN_OFFER = Нельзя купить собственное предложение.
error-PRICE_BELOW_MINIMUM = Минимальная цена пула для такого предложения — { $minimum }.
error-PURCHASE_CAP_REACHED = Вы достигли лимита трат пула за период ({ $cap }).
error-RESTRICTED_BY_REPUTATION = Правила пула не позволяют этого при вашем текущем рейтинге.
error-DEAL_NOT_FOUND = Не могу найти эту сделку.
error-DEAL_WRONG_STATE = Эта сделка уже в состоянии «{ $state }».
error-NOT_DEAL_PARTY = Эта сделка между другими людьми.
error-WITHDRAWAL_NOT_FOUND = Не могу найти этот вывод.
error-WITHDRAWAL_WRONG_STATE = Этот вывод уже в состоянии «{ $state }».
error-INVALID_DESTINATION = Неверные реквизиты: { $detail }
error-DISPUTE_NOT_FOUND = Не могу найти этот спор.
error-DISPUTE_WINDOW_CLOSED = Время для спора по этой сделке истекло.
error-DISPUTE_ALREADY_OPEN = По этой сделке уже открыт спор.
error-DISPUTE_WRONG_STATE = Этот спор уже решён.
error-DISPUTE_PARTY_CANNOT_VOTE = Вы сторона этого спора и не можете голосовать.
error-NO_CONTRIBUTIONS = За этот период никто не внёс вклада.
error-REWARD_NOT_FOUND = Не могу найти это вознаграждение.
error-REWARD_WRONG_STATE = Это вознаграждение уже в состоянии «{ $state }».
error-TOPUP_NOT_FOUND = Не могу найти это пополнение.
error-PAYMENT_PROVIDER_UNAVAILABLE = Этот способ оплаты сейчас недоступен.
error-WEBHOOK_SIGNATURE_INVALID = Подпись недействительна.
error-LOGIN_LINK_INVALID = Эта ссылка для входа уже использована или устарела. Запросите новую командой /web.
error-SIGN_IN_REFUSED = Вход отклонён. Откройте веб-страницу из бота ещё раз.
error-CSRF_FAILED = Форма устарела. Обновите страницу и попробуйте снова.
error-AGENT_CODE_INVALID = Код агента неверен или истёк. Создайте новый через /machines.
error-SESSION_NOT_FOUND = Не могу найти этот сеанс.
error-SESSION_WRONG_STATE = Этот сеанс уже завершён.
error-MACHINE_OFFLINE = Эта машина сейчас не в сети.
error-VALIDATION_FAILED = Неверный ввод: { $detail }

## Telegram
dm-needed = Я пока не могу написать вам лично: откройте { $link } и нажмите «Старт», затем повторите.
start-welcome = Привет! Добавьте меня в свою группу, чтобы объединить там компьютеры. /help покажет, что я умею.

## Уведомления (события из шины)
notify-hold-created = { $payer } удержал для вас { $amount } { $currency } в { $pool }. Вы получите их, когда он их отпустит.
notify-hold-released = Вы получили { $amount } { $currency } от { $payer } в { $pool }.
notify-hold-voided = Удержание { $amount } { $currency } в { $pool } отменено; деньги вернулись на ваш баланс.
notify-hold-expired = Срок удержания { $amount } { $currency } в { $pool } истёк; деньги вернулись на ваш баланс.
notify-member-joined = { $member } вступил(а) в { $pool }.
notify-officer = { $member } теперь офицер пула { $pool }.
notify-checkpoint = Контрольная точка журнала { $pool }: цепочка { $lane }, запись { $seq }, хеш { $hash }. Проверить может любой через /pool verify в веб-версии.

## Жизненный цикл
bot-added = Спасибо, что добавили меня! Админ этого чата может создать пул командой /pool create <название>, а остальные — вступить командой /join.

## Кнопки: одобрения, голосования, подтверждения
button-approve = Одобрить
button-reject = Отклонить
prompt-tally = Одобрили { $approve } из { $quorum } нужных · отклонили { $reject }
prompt-approved = Одобрено ({ $approve } из { $quorum }).
prompt-rejected = Отклонено ({ $reject } из { $quorum }).
prompt-confirmed = Подтверждено.
prompt-cancelled = Отменено. Ничего не изменилось.
button-voted = Вы уже проголосовали; ваш голос учтён один раз.
button-closed = Это уже решено или истекло; ничего не изменилось.

## Настройки пула
cmd-pool-settings = Посмотреть или изменить настройки пула (владелец)
cmd-pool-settings-opt-setting = Какую настройку изменить
cmd-pool-settings-opt-value = Новое значение (пусто — показать настройки)
pool-settings =
    Настройки { $pool }:
    правила: { $rules }
    кворум для выводов: { $quorum }
    срок удержания: { $holdHours } ч · окно споров: { $disputeHours } ч
    цена места для машины: { $slotPrice }
    доля пула с продаж: { $ownerCut }% · членский взнос: { $membershipFee }
    ограничения: выставлять — от рейтинга { $minSellerRating }, покупать — от надёжности { $minBuyerReliability }, выплаты — от надёжности { $minPayoutReliability }
    Изменить: /pool settings <настройка> <значение>.
pool-settings-none = нет
pool-settings-changed = Сохранено: { $setting } теперь { $value }.
pool-settings-unknown = Я знаю такие настройки: rules, quorum, slot-price, hold-hours, dispute-hours, owner-cut-percent, membership-fee, min-seller-rating, min-buyer-reliability, min-payout-reliability.

## Места для машин
cmd-slots = Купить дополнительные места для машин по цене пула
cmd-slots-opt-count = Сколько мест (1–100)
slots-confirm = Купить { $slots ->
        [one] { $slots } место
        [few] { $slots } места
       *[many] { $slots } мест
    } для машин за { $amount } { $currency }? Подтвердите в течение 2 минут.
slots-bought = Готово: { $slots ->
        [one] { $slots } место
        [few] { $slots } места
       *[many] { $slots } мест
    } за { $amount } { $currency }. Теперь можно зарегистрировать до { $limit } машин.

## Личные сообщения
cmd-opt-pool = Какой из ваших пулов (в личных сообщениях)
dm-no-pools = Вы пока не состоите ни в одном пуле. Вступите в его сервере или группе командой /join.
dm-choose-pool = Вы состоите в нескольких пулах: { $pools }. Назовите один, например: /balance { $first }.

## Канал пула
cmd-pool-channel = Публиковать новости пула в этом канале (владелец)
pool-channel-set = Новости пула (новые участники, офицеры, контрольные точки журнала) будут публиковаться в этом канале.
pool-channel-telegram = В Telegram пул публикует новости в своей группе; выбирать нечего.
