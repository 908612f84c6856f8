using SkillVerify.Domain.Privacy;

namespace SkillVerify.Domain.Tests;

public class HolderDataTests
{
    [Theory]
    [InlineData("张三丰", "张*丰")]
    [InlineData("李四", "李*")]
    [InlineData("欧阳娜娜", "欧**娜")]
    [InlineData("王", "*")]
    [InlineData(" 张 三 丰 ", "张*丰")]
    public void MasksNames(string name, string masked)
    {
        Assert.Equal(masked, HolderNormalization.MaskName(name));
    }

    [Theory]
    [InlineData("430102199001011234", "4301**********1234")]
    [InlineData("43010219900101123x", "4301**********123X")]
    [InlineData("430102900101123", "4301*******1123")]
    public void MasksIdNumbersKeepingFirstAndLastFour(string id, string masked)
    {
        Assert.Equal(masked, HolderNormalization.MaskIdNumber(id));
    }

    [Fact]
    public void HashesAreKeyedNormalizedAndDomainSeparated()
    {
        var a = new HolderHasher(Enumerable.Repeat((byte)1, 32).ToArray());
        var b = new HolderHasher(Enumerable.Repeat((byte)2, 32).ToArray());

        Assert.Equal(a.HashName("阿依古丽·买买提"), a.HashName("阿依古丽 • 买买提"));
        Assert.Equal(a.HashName("ZHANG san"), a.HashName("Ｚｈａｎｇ　ＳＡＮ"));
        Assert.NotEqual(a.HashName("张三"), b.HashName("张三"));
        Assert.NotEqual(a.HashName("123"), a.HashIdNumber("123"));
        Assert.Equal(a.HashIdNumber("43010219900101123x"), a.HashIdNumber("430102 19900101 123X"));
        Assert.Equal(HolderHasher.HashLength, a.HashName("张三").Length);
    }

    [Fact]
    public void RefusesShortKeys()
    {
        Assert.Throws<ArgumentException>(() => new HolderHasher(new byte[16]));
    }

    [Theory]
    [InlineData("11010519491231002X", true)]
    [InlineData("110105194912310021", false)]
    [InlineData("1101051949123100", false)]
    public void ChecksResidentIdCheckCharacters(string id, bool valid)
    {
        Assert.Equal(valid, HolderNormalization.IsValidResidentId(id));
    }
}
