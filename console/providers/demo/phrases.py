"""Comment templates for the demo audience, in Chinese and English, grouped by intent.

Slots: {p} product name, {price} its price, {shade} a shade/colour, {size} a size, {p2} another
product. `textbank.py` expands them with the product on air and emoji into the pools comments
are drawn from, so the same template reads differently from one product to the next.
Spam uses reserved `.example` / `.invalid` domains: the demo never points anyone anywhere real.
"""

from __future__ import annotations

GREET = "greet"
ASK_PRICE = "ask_price"
ASK_SIZE = "ask_size"
ASK_SHADE = "ask_shade"
ASK_SHIPPING = "ask_shipping"
ASK_BUY = "ask_buy"
BUY_INTENT = "buy_intent"
PRAISE = "praise"
COMPLAINT = "complaint"
CHATTER = "chatter"
DETAIL = "detail"
SPAM = "spam"

INTENTS: tuple[str, ...] = (
    GREET, ASK_PRICE, ASK_SIZE, ASK_SHADE, ASK_SHIPPING, ASK_BUY,
    BUY_INTENT, PRAISE, COMPLAINT, CHATTER, DETAIL, SPAM,
)

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        GREET: ("主播好", "来了来了", "第一次来", "刚进来，这是在卖什么", "晚上好呀", "新粉报到",
                "从推荐刷到的", "姐妹们好", "打卡", "又来了", "路过看看", "主播今天好美"),
        ASK_PRICE: ("多少钱", "{p}多少钱", "{p}多少钱啊", "价格多少", "有优惠吗", "{price}元吗？",
                    "{p}今天什么价", "直播间价格是多少", "能便宜点吗", "两件有折扣吗",
                    "{p}比旗舰店便宜吗", "领券后多少钱", "这个价包邮吗", "{price}贵了吧"),
        ASK_SIZE: ("有什么尺码", "{size}有吗", "{p}有{size}吗", "160斤穿什么码", "偏大还是偏小",
                   "{size}还有货吗", "我平时穿M，{p}选哪个", "尺码表在哪看", "{size}和大一号差多少",
                   "手指细戴几号", "脸大能戴{p}吗", "规格是多少"),
        ASK_SHADE: ("色号是多少", "{p}是什么色号", "黄皮能用吗", "{shade}显白吗", "这个是{shade}吗",
                    "{shade}适合素颜吗", "有没有{shade}的", "黄黑皮选哪个色", "冷白皮推荐哪个",
                    "{shade}和{shade}哪个好看", "实物和镜头里颜色一样吗", "{p}有几个颜色"),
        ASK_SHIPPING: ("什么时候发货", "包邮吗", "发什么快递", "新疆能发吗", "几天能到",
                       "今天拍明天发吗", "偏远地区包邮吗", "{p}现货吗", "可以到付吗",
                       "能开发票吗", "七天无理由吗", "运费险有吗"),
        ASK_BUY: ("怎么买", "链接在哪", "小黄车几号", "{p}链接在哪", "上链接", "在哪拍",
                  "拍哪个链接", "怎么领券", "粉丝有专属价吗", "{p}是几号链接"),
        BUY_INTENT: ("扣1", "1", "想要", "我要", "已拍", "下单了", "想要{p}", "{p}拍了",
                     "扣1扣1", "想要{shade}", "{size}已拍", "再来一单", "给妈妈也买一个",
                     "冲了", "已付款", "蹲{p}"),
        PRAISE: ("好看", "主播好美", "绝了", "爱了爱了", "显白", "{shade}太好看了", "{p}绝美",
                 "质感好好", "上次买的很好用", "回购了", "颜色好温柔", "主播皮肤好好",
                 "真的好看", "种草了", "这个{p}好高级", "讲得好清楚"),
        COMPLAINT: ("卡了", "声音太小", "上次的还没到", "太贵了", "质量一般", "画面糊了",
                    "客服不回消息", "上次{p}有色差", "等了好久", "说了半天没上链接",
                    "退货好麻烦", "怎么又是{p}"),
        CHATTER: ("哈哈哈", "666", "来了", "打卡", "哈哈哈哈哈", "主播加油", "刚下班",
                  "今天人好多", "好热闹", "在吃饭", "陪主播", "笑死", "家人们晚上好", "点赞点赞"),
        DETAIL: ("{p}的成分是什么", "保质期多久", "敏感肌能用{p}吗", "{p}和{p2}比哪个好",
                 "买两支有什么优惠", "有没有正装小样", "{shade}是雾面还是滋润", "持久度怎么样",
                 "会沾杯吗", "孕妇能用吗", "{p}是什么材质", "戴久了会过敏吗",
                 "{size}的具体尺寸是多少", "有没有礼盒装", "能刻字吗", "{p}售后怎么保障",
                 "买三件能再便宜吗", "{p}和上次的{p2}能一起发吗"),
        SPAM: ("加V看福利 shop.example", "低价代购私我 deals.invalid", "关注我领红包 hongbao.example/x",
               "免费领手机 gift.example", "刷粉丝 www.fans.invalid"),
    },
    "en": {
        GREET: ("hi everyone", "hello from Toronto", "first time here", "just joined, what's this?",
                "good evening!", "hey host", "found you on the feed", "hi hi", "back again",
                "evening all", "hello from Sydney", "what did I miss", "hi from Berlin", "new here 👋", "just tuned in"),
        ASK_PRICE: ("how much?", "how much is the {p}?", "price?", "is it {price}?",
                    "any discount today?", "what's the price of the {p}", "price with coupon?",
                    "is the {p} cheaper than the store?", "deal for two?", "{price} is a lot", "is {price} the final price?", "any coupon for the {p}?", "cheaper than last week?"),
        ASK_SIZE: ("what sizes are there?", "does it come in {size}?", "is {size} in stock?",
                   "runs big or small?", "I'm usually M, which {p} size?", "size chart?",
                   "is there a {size} left?", "fits small hands?", "what are the dimensions?", "true to size?", "which size for a 160cm person?", "does {size} fit a small face?"),
        ASK_SHADE: ("which shade is that?", "what shade is the {p}?", "is {shade} good for warm undertones?",
                    "does {shade} work on olive skin?", "is that {shade}?", "how many colours?",
                    "{shade} or {shade}?", "is the colour true on camera?", "shade for pale skin?",
                    "any {shade}?", "is {shade} too dark for me?", "swatch {shade} please", "which shade are you wearing?"),
        ASK_SHIPPING: ("when does it ship?", "free shipping?", "do you ship to Canada?",
                       "how long is delivery?", "ship today?", "do you ship to the UK?",
                       "is the {p} in stock?", "returns ok?", "international shipping?", "tracking number?", "ship to Singapore?", "how much is shipping?"),
        ASK_BUY: ("how do I buy?", "where's the link?", "link please", "which link is the {p}?",
                  "how do I get the coupon?", "link for the {p}?", "drop the link!", "cart link?", "is the {p} in the shop already?"),
        BUY_INTENT: ("want!", "ordered", "I want one", "1", "buying the {p}", "need this",
                     "just ordered {shade}", "take my money", "added to cart", "bought {size}",
                     "want the {p}", "getting two", "in my cart", "{shade} please!", "need the {p} in {size}"),
        PRAISE: ("so pretty", "love this", "gorgeous", "that {shade} is stunning", "the {p} looks great",
                 "beautiful", "love the finish", "you look amazing", "so good", "obsessed",
                 "great demo", "looks expensive", "{shade} suits you", "the {p} is so cute", "best stream today"),
        COMPLAINT: ("lagging", "too expensive", "still waiting on my last order", "can't hear you",
                    "video is blurry", "the {p} looked different in person", "support never answers",
                    "where's the link already", "meh", "this again?", "audio keeps cutting out", "shipping took two weeks last time"),
        CHATTER: ("lol", "haha", "here", "hi chat", "just got home", "busy stream tonight",
                  "having dinner", "love this stream", "nice", "ok", "go host go", "watching from work 🤫", "hi mods", "chat is fast today"),
        DETAIL: ("what's in the {p}?", "shelf life?", "ok for sensitive skin?", "{p} vs {p2}?",
                 "bundle deal on the {p}?", "matte or satin finish?", "how long does it last?",
                 "does it transfer onto masks?", "what material is the {p}?", "hypoallergenic?",
                 "exact {size} measurements?", "gift box available?", "warranty on the {p}?",
                 "can the {p} ship with my {p2} order?", "is the {p} vegan?", "refill available?", "any bundle with the {p2}?"),
        SPAM: ("free followers at fans.example", "DM me for cheap deals.invalid",
               "check my profile for prizes gift.example", "earn $500/day at work.invalid"),
    },
}

EMOJI: tuple[str, ...] = ("😍", "❤️", "👍", "🔥", "😂", "🥰", "👏", "💄", "✨", "😭", "🙏", "💯")
INTENT_EMOJI: dict[str, tuple[str, ...]] = {
    # Emoji that fit the mood: nobody types a clapping hand after "support never answers".
    COMPLAINT: ("😭", "😤", "🙄", "😑", "💢"),
    SPAM: (),
    ASK_PRICE: ("🤔", "🙏", "👀"), ASK_SIZE: ("🤔", "🙏", "👀"), ASK_SHADE: ("🤔", "🙏", "👀", "💄"),
    ASK_SHIPPING: ("🤔", "🙏", "📦"), ASK_BUY: ("🙏", "👀", "🛒"), DETAIL: ("🤔", "🙏"),
}
EMOJI_ONLY: tuple[str, ...] = ("❤️❤️❤️", "👍👍", "🔥🔥🔥", "😍😍", "👏👏👏", "💯", "🥰")

FLASH_CHANTS: dict[str, tuple[str, ...]] = {
    "zh": ("冲!", "冲冲冲", "抢到了吗", "3 2 1 上链接", "手慢无", "抢到了!", "没抢到😭",
           "还有吗", "卡住了付不了款", "再上点库存", "冲啊", "蹲了好久"),
    "en": ("go go go", "did anyone get one?", "got one!", "sold out already?", "missed it 😭",
           "restock please", "payment stuck", "here we go"),
}
WAIT_CHANTS: dict[str, tuple[str, ...]] = {
    "zh": ("来了来了", "等着呢", "倒数!", "准备好了"),
    "en": ("ready", "waiting", "countdown!", "here"),
}
COUPON_AFTER: dict[str, tuple[str, ...]] = {
    "zh": ("抢到了!", "没抢到😭", "领到了", "券在哪看", "还能再发一波吗", "手慢了"),
    "en": ("got the coupon!", "missed it 😭", "where's my coupon?", "another round please?"),
}
TRYON_REACTIONS: dict[str, tuple[str, ...]] = {
    "zh": ("好看", "{p}是什么色号", "这个色显白吗", "黄皮能用吗", "{p}上脸好看", "换一个色看看",
           "{shade}试一下", "和刚才那个哪个好看", "{p}链接在哪", "颜色好温柔", "想要{p}",
           "{shade}适合我吗"),
    "en": ("so pretty", "what shade is the {p}?", "try {shade}?", "that colour suits you",
           "the {p} looks great", "compare with the last one?", "want the {p}", "is {shade} warm or cool?"),
}
CARD_QUESTIONS: dict[str, tuple[str, ...]] = {
    "zh": ("{p}多少钱", "{price}元吗？", "有{size}吗", "{p}还有货吗", "{size}偏大吗",
           "{p}什么尺码", "这个价包邮吗", "{p}有几个颜色", "想要{p}", "{p}链接几号"),
    "en": ("how much is the {p}?", "{price}?", "any {size}?", "is the {p} in stock?",
           "does {size} run small?", "want the {p}", "which link is the {p}?"),
}
DRAW_REACTIONS: dict[str, tuple[str, ...]] = {
    "zh": ("恭喜恭喜", "又没中😭", "我中了吗", "下次一定", "恭喜中奖的姐妹", "再抽一次吧", "怎么领奖"),
    "en": ("congrats!", "not me again 😭", "did I win?", "next time", "how do winners claim?"),
}
