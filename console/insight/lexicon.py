"""The classifier's rules: per label, named patterns over folded text (see text.fold).

Rules are data so `why` can name what fired and so a term is added in one place. Patterns are
written for live-commerce chat: Chinese with slang (绝绝子, 蹲, 冲, 拔草), 扣字 (扣1), common typos
(包油, howm uch, szie), and English. Each rule is (name, regex); a label's rules are compiled into
one alternation, and the matched text is reported.

Tuned against tests/data/comments_eval.tsv; see tests/test_insight_classify.py for the floors.
"""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    "question", "purchase_intent", "price", "size_fit", "color_shade",
    "stock_shipping", "quality", "complaint", "praise", "spam",
)
SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")

RULES: dict[str, list[tuple[str, str]]] = {
    "question": [
        ("question mark", r"[?？]"),
        ("zh particle", r"(?:能|可以|行|好|要).*[点吧]不[\s?？]*$|(?:吗|嘛|么)[\s!！。~～]*$|(?<![的了])呢[\s!！。~～]*$|吗[，,]"),
        ("zh question word", r"多少|多钱|多高|几(?:号|个|天|点|种|码|折|件)|什么|啥(?!也不是)|哪|怎么(?!又)|怎样|如何|是不是|有没有"
                             r"|(?<!别)能不能(?!别)|可不可以|会不会|行不行|要不要|是否|多久|多大|多长|多重|为什么|为啥|还是(?!算了)"),
        ("zh request", r"(?:求|(?<!不)上|发个?)链接|链接发|发一下|尺码表"),
        ("en question word", r"(?:^|[,.!;]\s*)(?:what(?!s up)|whats(?! up)|what's|wat|how|howm|where|where's|when|which|who|why|is|are|do|does|did"
                             r"|can|could|will|would|should|any|anyone|has|have)\b(?!')"),
        ("en request", r"\b(?:link|price|pirce|size chart|size|shade|colou?r)\s*(?:pls|plz|please)\b"
                       r"|\bdrop the link\b"),
    ],
    "purchase_intent": [
        ("扣字", r"扣\s*[0-9一二两]|^[+]?[1１]+[\s!！]*(?:please|pls|plz)?$|^\+1"),
        ("zh want", r"(?<![不没])想要|想入|我也?要|要了|(?<!不)想买|要买|必须拍|必入|入了|买它|买买买|(?<!不)买(?:了|一|两|个|单)|蹲"),
        ("zh bought", r"(?<!不)拍了|已拍|(?<!现在)下单|付(?:完|了)?款|已付|冲了|冲冲|^冲|冲$|加购|购物车|再来一单|(?<![没不])抢到"),
        ("zh how to buy", r"(?<!不上)链接|小黄车|几号车|怎么买|在哪拍|哪里买|哪儿买|(?:哪|怎么).{0,3}(?:买|下单)|拍哪|几号链接|\blink\b|\bcart\b"),
        ("en want", r"\bwant+(?!\s+(?:a\s+)?refund)\b|\bgimme\b|\bwanna\b|\bneed (?:this|it|one|that)\b|\bme me\b"),
        ("en bought", r"\bordered\b|placed (?:my|an|the) order|\bcart'?d\b|\bbought\b|\bbuying\b|added to (?:my )?cart|in my cart|take my money"
                      r"|\bi'?ll take\b|\bgetting (?:one|two|2|it)\b|\bsold\b(?!\s*out)|\bi'?m in\b"),
        ("en how to buy", r"\blink\b|how (?:do i|to|can i) (?:buy|order|get)|where (?:can i|to|do i) (?:buy|order)|in the shop"),
    ],
    "price": [
        ("zh price", r"多少?钱|价|到手|优惠|满减|便宜|(?<!宝)贵|划算|性价比|券|折扣|打折|几折|多少米|块钱|\d+块|人民币|割韭菜|智商税|买不起|离谱|捡漏"),
        ("en price", r"(?<!for the )\bprice|\bpirce|\bhow ?m ?uch\b|\bhowm uch\b|\bcosts?\b|\bdiscount|\bcoupon|\bdeal\b"
                     r"|\bcheap(?:er)?\b(?!\s+(?:quality|followers))|(?<!looks )expensive|overpriced|\bpricey\b|\bbundle|\$\s?\d|\busd\b|\btax\b"),
    ],
    "size_fit": [
        ("zh size", r"尺码|码数|码子|(?<![密号扫条])码|偏大|偏小|穿什么|身高|体重|\d+\s*斤|\d+\s*kg|\d+\s*cm|腰围|衣长|胸围|肩宽"
                    r"|戒圈|戒指几号|多长(?!时间)|手指|脸大|胖|宽松|紧|太短|太长|袖子|裤长|尺寸|规格|合身|穿不了|穿[smlx]\b|\bxl\b|\bxxl\b"),
        ("en size", r"\bsize|\bszie|\bfits?\b|\bfitting\b|\bruns? (?:small|big|large)|\bran .*small|true to size|\bxs\b"
                    r"|plus sizes?|\bmedium\b|\d'\d|\blbs\b|\d+\s?cm\b|how (?:long|wide|big) is the (?!delivery|shipping)"
                    r"|dimensions|measurements|oversized|adjustable|\btight\b|\bloose\b|too (?:short|long)|wrists?\b|wide face|\bpetite\b|\bwaist\b"),
    ],
    "color_shade": [
        ("zh shade", r"(?<![特出角景掉褪])色|显白|显黑|黄皮|黑皮|白皮|冷白|暖皮|肤色"
                     r"|素颜|正红|砖红|豆沙|莓果|枫叶|南瓜|奶茶|裸粉|番茄|玫瑰|冷调|暖调"),
        ("en shade", r"\bcolou?rs?\b|\bshades?\b|\bshde\b|\bswatch|undertone|\bsheer\b|pigment|pale skin|olive skin|\bnude\b|\bberry\b"
                     r"|\bbrick\b|\bred\b|\bblack\b(?! one sold)|\bbrassy\b|\borange\b|\bpink\b|\bwhite\b|\bblue\b|\bgreen\b|\bcoral\b"),
    ],
    "stock_shipping": [
        ("zh shipping", r"发货|发什么|快递|寄|海外|物流|包邮|包油|运费|到货|能到|能发|发吗|发香港|明天发|一起发|现货|有货|货吗"
                        r"|库存|补货|售罄|没货|断货|到付|无理由|退货|退换|换货|顺丰|收到了|收到货|能收到|还没到|没到|不到|还有吗|还有[smlx]|发出|包装"),
        ("en shipping", r"\bship|\bshippng|deliver|\barriv|in stock|\bstock\b|restock|sold out|any left|are left|not shipped|\breturns?\b"
                        r"|tracking|\bpackage\b|got mine|postage|still waiting on|\bmy last order\b|damaged"),
    ],
    "quality": [
        ("zh quality", r"质量|质感|材质|成分|敏感肌|过敏|孕妇|持久|沾杯|掉色|褪色|氧化|正品|假货|保质期|纯银|925|不锈钢"
                       r"|(?<!压)坏了|好用|耐用|质地|料子|面料|真金|纯金|镀金|脱妆|持妆|油皮|干皮|痒|起球|做工|防水|跟新的一样|掉皮|卡纹|银针|精致|重不重|闷"),
        ("en quality", r"quality|qualiy|material|made of|ingredients|sensitive skin|allerg|\brash\b|last(?:s|ed)? all day"
                       r"|long.?lasting|\btransfer|smudge|waterproof|tarnish|real silver|sterling|stainless|authentic"
                       r"|genuine|\bfake\b|\bvegan\b|shelf life|\bbroke\b|premium|durable|\bheavy\b|\bfade|nickel|plating|peel|fell apart|washing"),
    ],
    "complaint": [
        ("zh stream trouble", r"卡了|好卡|卡死|太卡|一直卡|声音.{0,2}小|听不[见清]|糊了|模糊|黑屏|别拖|太拖|拖了|无聊|不想看|别念|转圈|网不好|画质|太差|态度|听不懂|[讲说]得太快|广告太多|太多广告|不回|不理|被删|这也叫|压坏|太大了|太小了"),
        ("zh grievance", r"客服.{0,3}不回|不回消息|半天|又是|麻烦|太假|假货|骗|踩雷|拔草|不好[用看]|失望|垃圾|无语|差评"
                         r"|啥也不是|太贵|贵死|买不起|割韭菜|智商税|比上次还贵|色差|不一样|没到|没发货|还没发|还不上|太短|太长|太紧|好土|真丑|好丑|离谱|起球了|太慢|不更新|没抢到"
                         r"|太少|质量(?:一般|太差|差)|坏了|掉色了|过敏了|不准|穿不了|不值|不划算"),
        ("en grievance", r"\blag|can'?t hear|cutting out|blurry|froze|never (?:answers|arrived)|this again|stall|\bscam"
                         r"|\bworst\b|disappoint|\bmeh\b|boring|refund|broken|\bbroke\b|terrible|awful|horrible|not worth"
                         r"|overpriced|too expensive|no thanks|went up|nothing like|still waiting|took .*weeks|\bugh\b"
                         r"|\brash\b|tarnished|cheap quality|too small|hasn'?t arrived|(?<!want this )so bad|too quiet|waste|skipped my|ignor|(?:so|too) slow|not shipped|still no\b|peeled|itch|fell apart|damaged|\bpricey\b|not (?:good|great|pretty)"),
    ],
    "praise": [
        ("zh praise", r"(?<![不没])好看|好美|真美|太美|美啊|绝了|绝绝子|真的绝|绝美|爱了|yyds|皮肤好|讲得好|(?<!不)喜欢"
                      r"|可爱|种草|心动|高级|辛苦了|漂亮|温柔|(?:好|超|很|真)显白|划算|性价比|好便宜|(?<!不)好用|(?:很|好|超|真)持久"
                      r"|质感好|回购|跟新的一样|好快|气质|宝藏|美哭|太香|好香|精致|好绝|太爱|舒服|[好真太]会|仙|捡漏"),
        ("en praise", r"\bpretty+|\blove\b|\bgorgeous|beautiful|amazing|obsessed|stunning|\bgreat\b|\bbest\b|looks expensive"
                      r"|\bcute\b|\bslay|\bfire\b|\bwow\b|elegant|classy|loving|perfect|so good|looks good|good on you|queen|👑|\bnice\b(?=.)|good quality|premium|suits you|super fast|good deal|really nice|lasted all day"),
    ],
    "spam": [
        ("link elsewhere", r"https?://|www\.|\b[a-z0-9-]+\.(?:example|invalid|com|net|cn|top|xyz|io)\b|t\.me/"),
        ("zh promotion", r"加\s*[vV微]|[vV]信|威信|\bvx\b|私我|私聊|代购|领红包|兼职|日赚|主页|头像|互关|互赞|刷粉|免费领|加我|赚钱|qq群|领资料|进群|扫码|私信"),
        ("en promotion", r"follow for follow|\bf4f\b|(?:free|cheap) followers|\bdm me\b|my profile|earn \$|/day\b|telegram|whatsapp"
                         r"|crypto|\bbtc\b|sub to my|message me|wholesale"),
    ],
}

POSITIVE_WORDS = r"加油|💪|开心|happy|glad|😍|❤|🥰|👍|🔥|💯|✨|👏"
NEGATIVE_WORDS = r"😤|😭|🙄|😑|💢|👎|讨厌|生气|烦死"
